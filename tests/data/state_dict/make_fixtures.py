#!/usr/bin/python3
"""Writes the small torch.save fixtures used by tests/core/io/test_state_dict.cpp.

Run once with a Python that has torch (Debian's python3-torch 1.13:
/usr/bin/python3 make_fixtures.py). The tests themselves need no Python.

Values are known closed forms so the C++ tests can check them exactly:
a tensor with n elements named k (the k-th in file order, from 0) holds
(arange(n) + 100 * k) / 8, reshaped to its shape (exact in float32/float64).
"""
import collections
import os
import random

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = [("nn.0.weight", (4, 6)), ("nn.0.bias", (4,)), ("nn.2.weight", (3, 4)),
          ("nn.2.bias", (3,)), ("nn.4.weight", (2, 3)), ("nn.4.bias", (2,))]


def known(k, shape, dtype=torch.float32):
    n = 1
    for s in shape:
        n *= s
    return ((torch.arange(n, dtype=torch.float64) + 100 * k) / 8).to(dtype).reshape(shape)


class BaseMlp(nn.Module):
    """Named like our base-mlp: a Sequential called `nn`."""

    def __init__(self, with_bn=False):
        super().__init__()
        if with_bn:
            self.nn = nn.Sequential(nn.Linear(6, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
        else:
            self.nn = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))


def plain(dtype=torch.float32):
    return {name: known(k, shape, dtype) for k, (name, shape) in enumerate(SHAPES)}


def save(obj, name, **kwargs):
    torch.save(obj, os.path.join(HERE, name), **kwargs)


def main():
    save(plain(), "plain.pt")

    model = BaseMlp()
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            tensor.copy_(plain()[name])
    state = model.state_dict()
    assert isinstance(state, collections.OrderedDict) and hasattr(state, "_metadata")
    save(state, "ordered.pt")
    save(plain(), "protocol4.pt", pickle_protocol=4)
    save(plain(), "legacy.pt", _use_new_zipfile_serialization=False)

    missing = plain()
    del missing["nn.4.bias"]
    save(missing, "missing.pt")

    wrong = plain()
    wrong["nn.0.weight"] = known(0, (5, 6))
    save(wrong, "wrong_shape.pt")

    save(plain(torch.float64), "double.pt")

    bn = BaseMlp(with_bn=True)
    with torch.no_grad():
        for k, (name, tensor) in enumerate(bn.state_dict().items()):
            if tensor.dtype == torch.int64:
                tensor.fill_(7)
            else:
                tensor.copy_(known(k, tuple(tensor.shape)))
    save(bn.state_dict(), "with_bn.pt")

    save([known(0, (2,)), 3], "not_a_state_dict.pt")

    # A training checkpoint as Python code often writes one, with views that
    # share one storage (offsets and strides) and assorted Python values.
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    save({"epoch": 5, "state_dict": model.state_dict(),
          "views": {"base": base, "rows": base[1:], "cols": base[:, ::2], "t": base.t()},
          "meta": {"lr": 0.125, "name": "mlp", "flags": [True, False, None], "pair": (1, -2.5),
                   "big": 2 ** 40, "neg": -7, "device": torch.device("cpu")},
          "param": nn.Parameter(known(0, (2, 2))),
          "ints": torch.tensor([1, -2, 3], dtype=torch.int32),
          "half": torch.tensor([0.5, -1.0], dtype=torch.float16),
          "mask": torch.tensor([True, False, True])}, "nested.pt")

    with open(os.path.join(HERE, "plain.pt"), "rb") as f:
        data = f.read()
    with open(os.path.join(HERE, "truncated.pt"), "wb") as f:
        f.write(data[: len(data) // 2])
    rng = random.Random(1234)
    with open(os.path.join(HERE, "garbage.pt"), "wb") as f:
        f.write(bytes(rng.randrange(256) for _ in range(3000)))


if __name__ == "__main__":
    main()
