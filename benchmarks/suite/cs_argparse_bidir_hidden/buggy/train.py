import argparse

import torch
import torch.nn as nn

from models import RNNClassifier


def get_args(argv=None):
    p = argparse.ArgumentParser(description="train an LSTM text classifier")
    p.add_argument("--vocab", type=int, default=40)
    p.add_argument("--embed-dim", type=int, default=8)
    p.add_argument("--hidden-dim", type=int, default=10)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--bidirectional", type=int, default=1, help="1 = use a BiLSTM")
    p.add_argument("--lr", type=float, default=1e-2)
    p.add_argument("--steps", type=int, default=3)
    return p.parse_args(argv)


def main(argv=None):
    args = get_args(argv)
    torch.manual_seed(0)
    model = RNNClassifier(args.vocab, args.embed_dim, args.hidden_dim, 2,
                          n_layers=args.layers, bidirectional=bool(args.bidirectional))
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    criterion = nn.CrossEntropyLoss()
    for _ in range(args.steps):
        x = torch.randint(0, args.vocab, (4, 7))
        y = torch.randint(0, 2, (4,))
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


if __name__ == "__main__":
    main()
