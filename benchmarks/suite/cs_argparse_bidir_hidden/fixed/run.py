from train import main


def smoke():
    model = main([])
    return {"forward_direction_used": bool(model.rnn.weight_ih_l0.grad.abs().sum() > 0)}
