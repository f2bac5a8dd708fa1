import torch.nn as nn

from utils import init_hidden


class SpeechLSTM(nn.Module):
    def __init__(self, n_mels=5, hidden=12, layers=2, n_phones=6):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.lstm = nn.LSTM(n_mels, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, n_phones)

    def forward(self, feats):
        # feats: (batch, frames, n_mels)
        state = init_hidden(feats.size(0), self.layers, self.hidden, device=feats.device)
        out, _ = self.lstm(feats, state)
        return self.fc(out)
