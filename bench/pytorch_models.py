#!/usr/bin/python3
"""The PyTorch side of `parity_bench_models --pytorch TRAIN_DIR` (issue 12).

Times with Debian's python3-torch, on the same number of threads, the work
that parity_bench_models times in the real Trainer:

- preparation: building the base and parity models, loading the base
  model's weights from a file, and the base model over every sample, in eval
  mode without gradients, in the original framework's batches of 32 (ours
  measures the same span, from the run's start to its first training batch,
  and reads and decodes the data files too);
- one training epoch of the parity model: groups of k = 2 inputs, their sum
  as the parity query, MSE against the sum of the base outputs, Adam
  (lr 1e-3, weight decay 1e-5), the model in train mode.

The architectures are the original framework's own classes, imported from its
train/ folder (TRAIN_DIR); the inputs are random tensors of the same shapes.
Our side also reads and decodes its files and computes the reconstruction
metrics, so the comparison leans towards PyTorch.

usage: pytorch_models.py TRAIN_DIR CASE SAMPLES GROUPS BATCH THREADS RUNS [WARMUP]
  CASE: resnet18-cifar | resnet18-28 | vgg11-speech
  WARMUP: runs made first and not counted (default 0; oneDNN makes its kernels
  on first use)
Prints: "pytorch CASE: preparation X samples/s, training Y parity queries/s,
forward alone Z samples/s" (medians of RUNS; Z: the base model over the samples
without building it or reading its weights).
"""
import statistics
import sys
import tempfile
import time

import torch


def main():
    train_dir, case = sys.argv[1], sys.argv[2]
    samples, groups, batch, threads, runs = (int(v) for v in sys.argv[3:8])
    warmup = int(sys.argv[8]) if len(sys.argv) > 8 else 0
    sys.path.insert(0, train_dir)
    torch.set_num_threads(threads)
    if case == "resnet18-cifar":
        from base_models.resnet import ResNet18
        make, shape, classes = (lambda: ResNet18(num_classes=10, size_for_cifar=True)), (3, 32, 32), 10
    elif case == "resnet18-28":
        from base_models.resnet import ResNet18
        make, shape, classes = (lambda: ResNet18(num_classes=10, size_for_cifar=False)), (1, 28, 28), 10
    elif case == "vgg11-speech":
        from base_models.vgg import VGG11
        make, shape, classes = (lambda: VGG11(num_classes=30)), (1, 161, 101), 30
    else:
        sys.exit("unknown case " + case)
    k = 2
    torch.manual_seed(1)
    weights = tempfile.NamedTemporaryFile(suffix=".pt")
    torch.save(make().state_dict(), weights.name)
    prep_rates, train_rates, forward_rates = [], [], []
    for run in range(warmup + runs):
        data = torch.randn(samples, *shape)
        start = time.perf_counter()
        base = make()
        base.load_state_dict(torch.load(weights.name))
        parity = make()
        base.eval()
        forward_start = time.perf_counter()
        with torch.no_grad():
            outputs = torch.cat([base(data[i:i + 32]) for i in range(0, samples, 32)])
        end = time.perf_counter()
        prep_rates.append(samples / (end - start))
        forward_rates.append(samples / (end - forward_start))

        inputs = torch.randn(groups * k, *shape)
        targets = torch.randn(groups, classes)
        optimizer = torch.optim.Adam(parity.parameters(), lr=1e-3, weight_decay=1e-5)
        loss_fn = torch.nn.MSELoss()
        parity.train()
        start = time.perf_counter()
        for first in range(0, groups, batch):
            n = min(batch, groups - first)
            x = inputs[first * k:(first + n) * k].view(n, k, *shape).sum(dim=1)
            loss = loss_fn(parity(x), targets[first:first + n])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        train_rates.append(groups / (time.perf_counter() - start))
        del outputs
        if run < warmup:
            prep_rates.pop()
            train_rates.pop()
            forward_rates.pop()
    print("pytorch %s: preparation %.1f samples/s, training %.1f parity queries/s, forward alone %.1f samples/s "
          "(torch %s, %d threads)"
          % (case, statistics.median(prep_rates), statistics.median(train_rates), statistics.median(forward_rates),
             torch.__version__, threads))


if __name__ == "__main__":
    main()
