import math

import torch
import torch.nn as nn

from model import RNNRegressor

WINDOW = 8


def make_windows(series, window=WINDOW):
    xs = [series[i:i + window] for i in range(len(series) - window)]
    ys = series[window:]
    return torch.tensor(xs).unsqueeze(-1), torch.tensor(ys)


def fit(steps=3):
    torch.manual_seed(0)
    series = [math.sin(0.15 * i) for i in range(40)]
    X, y = make_windows(series)  # X: (N, window, 1)
    model = RNNRegressor(1, 10, WINDOW)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for step in range(steps):
        xb, yb = X[step * 5:(step + 1) * 5], y[step * 5:(step + 1) * 5]
        pred = model(xb.transpose(0, 1)).squeeze(-1)  # the GRU wants (seq, batch, feat)
        loss = nn.functional.mse_loss(pred, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model, X
