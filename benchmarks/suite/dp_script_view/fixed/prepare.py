# %% [markdown]
# Data prep (exported from the notebook)

# %%
import torch
from torch.utils.data import DataLoader, TensorDataset

corpus = [
    ("the cat sat on the mat", "DET NOUN VERB ADP DET NOUN"),
    ("a dog ran in the park", "DET NOUN VERB ADP DET NOUN"),
    ("the bird sang on a tree", "DET NOUN VERB ADP DET NOUN"),
    ("my cat ate the fish", "DET NOUN VERB DET NOUN"),
    ("the dog saw a cat", "DET NOUN VERB DET NOUN"),
    ("a man read the book", "DET NOUN VERB DET NOUN"),
    ("the kid threw a ball", "DET NOUN VERB DET NOUN"),
    ("the sun rose", "DET NOUN VERB"),
]
word2idx = {"<pad>": 0}
tag2idx = {"<pad>": 0}
for s, t in corpus:
    for w in s.split():
        word2idx.setdefault(w, len(word2idx))
    for g in t.split():
        tag2idx.setdefault(g, len(tag2idx))

MAX_LEN = 6
X = torch.zeros(len(corpus), MAX_LEN, dtype=torch.long)
Y = torch.zeros(len(corpus), MAX_LEN, dtype=torch.long)
for i, (s, t) in enumerate(corpus):
    ws, gs = s.split(), t.split()
    X[i, :len(ws)] = torch.tensor([word2idx[w] for w in ws])
    Y[i, :len(gs)] = torch.tensor([tag2idx[g] for g in gs])

# %%
train_dl = DataLoader(TensorDataset(X, Y), batch_size=4, shuffle=False)
