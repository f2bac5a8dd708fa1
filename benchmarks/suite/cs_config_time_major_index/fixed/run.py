from train import train


def smoke():
    return {"loss_positive": train() > 0}
