#!/usr/bin/python3
"""Makes tiny_cnn.pt, the TorchScript fixture of the "bring your own model"
tests: a small CNN for 1x28x28 inputs and 10 classes (MNIST-shaped), with one
layer of each kind the parity copy re-initialises (Conv2d, BatchNorm2d,
Linear). Run once with Debian's python3-torch (torch 1.13):

    /usr/bin/python3 tests/data/torchscript/make_tiny_cnn.py

The weights are seeded, so the file is the same on every run of this script
with the same torch version.
"""
import os

import torch
import torch.nn as nn


class TinyCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=3, padding=1),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.MaxPool2d(4),          # 28x28 -> 7x7
        )
        self.classifier = nn.Linear(4 * 7 * 7, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        return self.classifier(torch.flatten(x, 1))


def main():
    torch.manual_seed(4)
    model = TinyCnn().eval()
    scripted = torch.jit.script(model)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_cnn.pt")
    torch.jit.save(scripted, out)
    # A reference output for the loader test: the first logits of an input of ones.
    print(scripted(torch.ones(1, 1, 28, 28))[0, :3].tolist())


if __name__ == "__main__":
    main()
