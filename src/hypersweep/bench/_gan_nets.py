"""The torch side of the GAN reproduction: data, DCGAN, the scoring classifier.

* Data: scikit-learn's 8x8 digits (1,797 images; no MNIST ships with an installed package
  here, and nothing is downloaded), upscaled bilinearly to 32x32 and scaled to [-1, 1].
* DCGAN at 32x32 in the layout of Ray Tune's ``pbt_dcgan_mnist`` example, written here: a
  generator of four transposed convolutions (100-d noise -> 4x4 -> 8x8 -> 16x16 -> 32x32,
  batch norm and ReLU between, tanh out) and a discriminator of four convolutions (32x32 ->
  16 -> 8 -> 4 -> one logit, batch norm and leaky ReLU); ``width`` is the channel count of
  the widest-resolution layer (Ray's example: 32). Adam with beta1 = 0.5, the
  non-saturating GAN loss, batch 64.
* Classifier: a small CNN trained once on the same 32x32 digits (seeded, cached on disk),
  whose softmax gives p(y|x) for the inception score.

torch is imported inside the functions: this module loads without it (``hypersweep[gan]``).
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import numpy as np

from .._internal.optional import import_optional
from ._gan_score import inception_score

EXTRA = "gan"
NZ = 100  # noise dimensions, as in the DCGAN paper and Ray's example
BETA1 = 0.5
CLASSIFIER_VERSION = 1  # bump when the classifier's recipe changes (invalidates the cache)


def torch() -> Any:
    """``torch``, or an ImportError naming the ``gan`` extra."""
    return import_optional("torch", EXTRA, "hypersweep bench gan")


def digits(device: str = "cpu") -> tuple[Any, Any]:
    """The digits as a float tensor (1797, 1, 32, 32) in [-1, 1] and their labels."""
    t = torch()
    sk = import_optional("sklearn.datasets", EXTRA, "hypersweep bench gan (digits)")
    x, y = sk.load_digits(return_X_y=True)
    images = t.tensor(x / 16.0, dtype=t.float32).reshape(-1, 1, 8, 8)
    images = t.nn.functional.interpolate(images, size=32, mode="bilinear", align_corners=False)
    images = images.clamp(0.0, 1.0) * 2.0 - 1.0
    return images.to(device), t.tensor(y, dtype=t.long).to(device)


def _init_weights(module: Any) -> None:
    t = torch()
    if isinstance(module, (t.nn.Conv2d, t.nn.ConvTranspose2d)):
        t.nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, t.nn.BatchNorm2d):
        t.nn.init.normal_(module.weight, 1.0, 0.02)
        t.nn.init.zeros_(module.bias)


def generator(width: int) -> Any:
    nn = torch().nn
    w = width
    net = nn.Sequential(
        nn.ConvTranspose2d(NZ, 4 * w, 4, 1, 0, bias=False),  # 4x4
        nn.BatchNorm2d(4 * w),
        nn.ReLU(True),
        nn.ConvTranspose2d(4 * w, 2 * w, 4, 2, 1, bias=False),  # 8x8
        nn.BatchNorm2d(2 * w),
        nn.ReLU(True),
        nn.ConvTranspose2d(2 * w, w, 4, 2, 1, bias=False),  # 16x16
        nn.BatchNorm2d(w),
        nn.ReLU(True),
        nn.ConvTranspose2d(w, 1, 4, 2, 1, bias=False),  # 32x32
        nn.Tanh(),
    )
    net.apply(_init_weights)
    return net


def discriminator(width: int) -> Any:
    nn = torch().nn
    w = width
    net = nn.Sequential(
        nn.Conv2d(1, w, 4, 2, 1, bias=False),  # 16x16
        nn.LeakyReLU(0.2, True),
        nn.Conv2d(w, 2 * w, 4, 2, 1, bias=False),  # 8x8
        nn.BatchNorm2d(2 * w),
        nn.LeakyReLU(0.2, True),
        nn.Conv2d(2 * w, 4 * w, 4, 2, 1, bias=False),  # 4x4
        nn.BatchNorm2d(4 * w),
        nn.LeakyReLU(0.2, True),
        nn.Conv2d(4 * w, 1, 4, 1, 0, bias=False),  # one logit (the loss applies the sigmoid)
        nn.Flatten(),
    )
    net.apply(_init_weights)
    return net


class Gan:
    """A generator, a discriminator and their Adam optimisers, trained step by step.

    ``seed`` fixes the initial weights; every batch and noise draw is seeded by
    ``(seed, stream, step)``, so a run is reproducible and a restored clone goes on with
    its own stream.
    """

    def __init__(self, width: int, seed: int, device: str, batch: int = 64) -> None:
        t = torch()
        self.device = device
        self.batch = batch
        t.manual_seed(seed)
        self.g = generator(width).to(device)
        self.d = discriminator(width).to(device)
        self.opt_g = t.optim.Adam(self.g.parameters(), lr=2e-4, betas=(BETA1, 0.999))
        self.opt_d = t.optim.Adam(self.d.parameters(), lr=2e-4, betas=(BETA1, 0.999))
        self.loss = t.nn.BCEWithLogitsLoss()
        self.steps = 0  # training steps this model has had (across restores)

    def set_lrs(self, lr_g: float, lr_d: float) -> None:
        for group in self.opt_g.param_groups:
            group["lr"] = lr_g
        for group in self.opt_d.param_groups:
            group["lr"] = lr_d

    def train(self, data: Any, n: int, stream: int) -> None:
        """``n`` steps: one discriminator and one generator update on a batch each."""
        t = torch()
        gen = t.Generator().manual_seed(
            int(np.random.SeedSequence([stream, self.steps]).generate_state(1)[0])
        )
        ones = t.ones(self.batch, device=self.device)
        zeros = t.zeros(self.batch, device=self.device)
        self.g.train()
        self.d.train()
        for _ in range(n):
            idx = t.randint(len(data), (self.batch,), generator=gen).to(self.device)
            noise = t.randn(self.batch, NZ, 1, 1, generator=gen).to(self.device)
            fake = self.g(noise)
            self.opt_d.zero_grad(set_to_none=True)
            d_loss = self.loss(self.d(data[idx]).view(-1), ones) + self.loss(
                self.d(fake.detach()).view(-1), zeros
            )
            d_loss.backward()
            self.opt_d.step()
            self.opt_g.zero_grad(set_to_none=True)
            g_loss = self.loss(self.d(fake).view(-1), ones)
            g_loss.backward()
            self.opt_g.step()
            self.steps += 1

    def samples(self, noise: Any) -> Any:
        """The generator's images for ``noise`` (eval mode: batch norm's running stats)."""
        t = torch()
        self.g.eval()
        with t.no_grad():
            return t.cat([self.g(chunk) for chunk in noise.split(500)])

    def state(self) -> bytes:
        buffer = io.BytesIO()
        torch().save(
            {
                "g": self.g.state_dict(),
                "d": self.d.state_dict(),
                "opt_g": self.opt_g.state_dict(),
                "opt_d": self.opt_d.state_dict(),
                "steps": self.steps,
            },
            buffer,
        )
        return buffer.getvalue()

    def load(self, state: bytes) -> None:
        saved = torch().load(io.BytesIO(state), map_location=self.device, weights_only=True)
        self.g.load_state_dict(saved["g"])
        self.d.load_state_dict(saved["d"])
        self.opt_g.load_state_dict(saved["opt_g"])
        self.opt_d.load_state_dict(saved["opt_d"])
        self.steps = int(saved["steps"])


def fixed_noise(n: int, seed: int, device: str) -> Any:
    """The scoring noise: the same ``n`` vectors for every method, seed and run."""
    t = torch()
    gen = t.Generator().manual_seed(seed)
    return t.randn(n, NZ, 1, 1, generator=gen).to(device)


def _classifier_net() -> Any:
    nn = torch().nn
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(True),
        nn.MaxPool2d(2),  # 16x16
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(True),
        nn.MaxPool2d(2),  # 8x8
        nn.Flatten(),
        nn.Linear(32 * 8 * 8, 64),
        nn.ReLU(True),
        nn.Linear(64, 10),
    )


class Classifier:
    """The scoring CNN: p(y|x) for 32x32 digits in [-1, 1]."""

    def __init__(self, net: Any, accuracy: float, real_is: float, device: str) -> None:
        self.net = net.to(device).eval()
        self.accuracy = accuracy  # on the held-out fifth of the digits
        self.real_is = real_is  # the inception score of the real held-out digits
        self.device = device

    def probs(self, images: Any) -> Any:
        t = torch()
        with t.no_grad():
            out = [t.softmax(self.net(c.to(self.device)), dim=1) for c in images.split(500)]
        return t.cat(out).cpu().numpy()

    def score(self, images: Any) -> float:
        return inception_score(self.probs(images))


def _shift(images: Any, gen: Any) -> Any:
    """A random translation of the batch by up to one pixel (a little robustness)."""
    t = torch()
    dx, dy = (int(v) for v in t.randint(-1, 2, (2,), generator=gen))
    return t.roll(images, shifts=(dy, dx), dims=(2, 3))


def train_classifier(seed: int, device: str, epochs: int = 15) -> tuple[Any, float]:
    """Train the scoring CNN on four fifths of the digits; its held-out accuracy."""
    t = torch()
    x, y = digits("cpu")
    order = t.randperm(len(y), generator=t.Generator().manual_seed(seed))
    cut = len(y) * 4 // 5
    train, held = order[:cut], order[cut:]
    t.manual_seed(seed)
    net = _classifier_net()
    opt = t.optim.Adam(net.parameters(), lr=2e-3)
    gen = t.Generator().manual_seed(seed + 1)
    net.train()
    for _ in range(epochs):
        perm = train[t.randperm(len(train), generator=gen)]
        for start in range(0, len(perm), 64):
            idx = perm[start : start + 64]
            opt.zero_grad(set_to_none=True)
            loss = t.nn.functional.cross_entropy(net(_shift(x[idx], gen)), y[idx])
            loss.backward()
            opt.step()
    net.eval()
    with t.no_grad():
        accuracy = float((net(x[held]).argmax(1) == y[held]).float().mean())
    return net.to(device), accuracy


def classifier(
    cache: Path, seed: int, device: str, epochs: int = 15
) -> tuple[Classifier, bool, float]:
    """The scoring classifier of ``seed`` (and ``epochs``): loaded from ``cache`` or trained
    and saved there. Returns it, whether it came from the cache, and the seconds spent."""
    t = torch()
    start = time.perf_counter()
    path = cache / f"digits-classifier-v{CLASSIFIER_VERSION}-seed{seed}-epochs{epochs}.pt"
    x, y = digits("cpu")
    order = t.randperm(len(y), generator=t.Generator().manual_seed(seed))
    held = order[len(y) * 4 // 5 :]
    net = _classifier_net()
    cached = path.exists()
    if cached:
        saved = t.load(path, map_location="cpu", weights_only=True)
        net.load_state_dict(saved["net"])
        accuracy = float(saved["accuracy"])
    else:
        net, accuracy = train_classifier(seed, "cpu", epochs)
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        t.save({"net": net.state_dict(), "accuracy": accuracy}, tmp)
        tmp.replace(path)
    model = Classifier(net, accuracy, 0.0, device)
    model.real_is = model.score(x[held])
    return model, cached, time.perf_counter() - start
