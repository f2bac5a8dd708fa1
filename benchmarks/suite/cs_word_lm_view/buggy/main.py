import argparse

import torch
import torch.nn as nn

import model as model_lib


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    return data.view(bsz, -1)  # one row per stream, batch first


def run(argv=None):
    parser = argparse.ArgumentParser(description="PyTorch word-level LM (batch-first variant)")
    parser.add_argument("--emsize", type=int, default=8)
    parser.add_argument("--nhid", type=int, default=12)
    parser.add_argument("--nlayers", type=int, default=2)
    parser.add_argument("--bptt", type=int, default=6)
    parser.add_argument("--batch_size", type=int, default=4)
    parser.add_argument("--lr", type=float, default=1.0)
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    corpus = torch.randint(0, 50, (200,))
    train_data = batchify(corpus, args.batch_size)
    model = model_lib.RNNModel("LSTM", 50, args.emsize, args.nhid, args.nlayers, dropout=0.0, batch_first=True)
    criterion = nn.NLLLoss()
    hidden = model.init_hidden(args.batch_size)
    for i in range(0, 3 * args.bptt, args.bptt):
        data = train_data[:, i:i + args.bptt]
        targets = train_data[:, i + 1:i + 1 + args.bptt].reshape(-1)
        hidden = tuple(h.detach() for h in hidden)
        model.zero_grad()
        output, hidden = model(data, hidden)
        loss = criterion(torch.log_softmax(output, -1), targets)
        loss.backward()
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-args.lr)
    return loss.item()
