import torch
import torch.nn as nn
import torch.nn.functional as F

from seq2seq import DecoderRNN, EncoderRNN

SOS_token = 1
hidden_size = 10
encoder_n_layers = 2
decoder_n_layers = 2
voc_size = 25


def build():
    embedding = nn.Embedding(voc_size, hidden_size)
    encoder = EncoderRNN(hidden_size, embedding, encoder_n_layers, bidirectional=True)
    decoder = DecoderRNN(embedding, hidden_size, voc_size, decoder_n_layers)
    return encoder, decoder


def train_step(input_variable, target_variable, encoder, decoder, optimizer):
    # input_variable: (max_len, batch) as in the chatbot tutorial
    batch_size = input_variable.size(1)
    encoder_outputs, encoder_hidden = encoder(input_variable)
    decoder_input = torch.full((1, batch_size), SOS_token, dtype=torch.long)
    # Set initial decoder hidden state to the encoder's final hidden state
    decoder_hidden = encoder_hidden[:decoder.n_layers]
    first_hidden = decoder_hidden
    loss = 0
    for t in range(target_variable.size(0)):
        decoder_output, decoder_hidden = decoder(decoder_input, decoder_hidden)
        decoder_input = target_variable[t].view(1, -1)  # teacher forcing
        loss = loss + F.cross_entropy(decoder_output, target_variable[t])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return encoder_hidden.detach(), first_hidden.detach()
