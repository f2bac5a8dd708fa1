from main import run


def smoke():
    return {"loss_positive": run([]) > 0}
