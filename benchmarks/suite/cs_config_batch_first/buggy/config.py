CONFIG = {
    "emb_dim": 8,
    "hidden": 12,
    "batch_first": False,
    "batch_size": 4,
    "lr": 0.05,
    "epochs": 2,
}
