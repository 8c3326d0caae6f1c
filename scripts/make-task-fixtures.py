#!/usr/bin/python3
"""Builds the segmentation and detection fixtures in tests/fixtures/tasks/ from Fashion-MNIST items.

Usage: /usr/bin/python3 scripts/make-task-fixtures.py [FMNIST_TRAIN_DIR] [OUT_DIR] [all|data|train|seg|det]
  FMNIST_TRAIN_DIR holds train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz
  (default ../shared/zoo/fmnist-train); OUT_DIR defaults to tests/fixtures/tasks. The last argument
  makes one part alone (each model is seeded just before it is built, so a part alone equals `all`).

Needs Debian's python3-torch, python3-numpy and python3-onnx. Deterministic: fixed seeds, one thread.
Cost: about 1 CPU-minute for the segmenter and 8-9 CPU-minutes for the detector (30 epochs over
4,800 canvases); on the shared 2-core machine under load 20 that was 12 and 59 minutes of wall time.
The committed files were made by `... data`, `... seg` and `... det` into one folder; their sha256:
  seg-unet.onnx  d5af6631d15156c6ccf3f164f3e86a2b8759f7972303cc3f2e1f6c7c60a87361
  det-yolo.onnx  6cb9228343f88ddc466ba719b10d1209e816a7c17851dd27a0ab7f4cd61dc84a
  calib.npz      cbe6a83cd9c1e1e2aa1759a75cae164298fdad3528d945463c2d3bad7ea9b217
  train.npz      f1c11346b97caf53df043b99df91f6d5a95074ac16eda5b2adc21f3eff4560cc
  test/instances.json  427d2ecf16a6fbb2baf0c8ee25f191220cedb7b64a20e35b565f8e82a12b8eac
(The canvases are made in order from per-split generators, so the first 160 test images, calib.npz
and the first 1,024 of train.npz are those of the earlier, smaller fixture set.)

Each canvas is 96x96 gray with 2-4 Fashion-MNIST items (28x28) pasted where they do not overlap.
Mask: item class + 1 where the item's pixel is above THRESHOLD, 0 (background) elsewhere.
Box: the tight box of those pixels, in pixel edges ([x1, y1, x2, y2), x2 exclusive).

Writes
  seg-unet.onnx   input "input" [N,1,96,96] (pixel/255), output "logits" [N,11,96,96]
  det-yolo.onnx   input "input" [N,1,96,96] (pixel/255), output "output" [N,14,144]:
                  rows 0-3 centre x, centre y, width, height in input pixels, rows 4-13 class scores
                  (sigmoid), one column per 8x8 cell (YOLOv8 layout, no objectness row)
  test/images/NNNN.png  test/masks/NNNN.png (palette)  test/labels/NNNN.txt (YOLO)
  test/annotations/NNNN.xml (Pascal VOC)  test/instances.json (COCO)
  calib.npz       x uint8 [N,96,96], masks uint8 [N,96,96] (the calibration split)
  train.npz       x uint8 [2048,96,96]: the first training canvases, unlabelled (fine-tuning data)
"""
import gzip
import json
import os
import struct
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SIZE = 96
ITEM = 28
THRESHOLD = 50
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]
STRIDE = 8
GRID = SIZE // STRIDE
SPLITS = {"train": 4800, "test": 400, "calib": 64}
TRAIN_IMAGES = 2048  # of the training canvases, written unlabelled as train.npz


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 0x803:
        h, w = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, h, w)
    return np.frombuffer(data, np.uint8, offset=8)


def make_canvases(images, labels, count, rng):
    """Canvases, masks and per-canvas lists of (class, x1, y1, x2, y2, area)."""
    xs = np.zeros((count, SIZE, SIZE), np.uint8)
    ms = np.zeros((count, SIZE, SIZE), np.uint8)
    boxes = []
    for i in range(count):
        placed, objects = [], []
        for _ in range(int(rng.integers(2, 5))):
            for _try in range(50):
                x, y = (int(v) for v in rng.integers(0, SIZE - ITEM + 1, 2))
                if all(abs(x - px) >= ITEM or abs(y - py) >= ITEM for px, py in placed):
                    break
            else:
                continue
            k = int(rng.integers(0, len(images)))
            item, cls = images[k], int(labels[k])
            fg = item > THRESHOLD
            if not fg.any():
                continue
            placed.append((x, y))
            xs[i, y:y + ITEM, x:x + ITEM] = np.maximum(xs[i, y:y + ITEM, x:x + ITEM], item)
            ms[i, y:y + ITEM, x:x + ITEM][fg] = cls + 1
            rows, cols = np.nonzero(fg)
            objects.append((cls, x + int(cols.min()), y + int(rows.min()), x + int(cols.max()) + 1,
                            y + int(rows.max()) + 1, int(fg.sum())))
        boxes.append(objects)
    return xs, ms, boxes


def conv(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout), nn.ReLU())


class UNet(nn.Module):
    """Encoder-decoder with skip connections working at half resolution and below (a full-resolution
    UNet does not train in minutes on two shared cores); the logits are upsampled bilinearly to 96x96."""

    def __init__(self):
        super().__init__()
        self.e1 = conv(1, 8, 2)
        self.e2 = nn.Sequential(conv(8, 16, 2), conv(16, 16))
        self.e3 = nn.Sequential(conv(16, 32, 2), conv(32, 32))
        self.d2 = conv(48, 16)
        self.d1 = conv(24, 16)
        self.head = nn.Conv2d(16, len(CLASSES) + 1, 1)

    def forward(self, x):
        a = self.e1(x)
        b = self.e2(a)
        c = self.e3(b)
        d = self.d2(torch.cat([F.interpolate(c, scale_factor=2.0, mode="nearest"), b], 1))
        e = self.d1(torch.cat([F.interpolate(d, scale_factor=2.0, mode="nearest"), a], 1))
        return F.interpolate(self.head(e), scale_factor=2.0, mode="bilinear", align_corners=False)


class Detector(nn.Module):
    """Anchor-free single-stage detector on an 8-pixel grid; the forward pass decodes boxes."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(conv(1, 16, 2), conv(16, 32, 2), conv(32, 64, 2), conv(64, 64))
        self.box = nn.Sequential(conv(64, 32), nn.Conv2d(32, 4, 1))
        self.cls = nn.Sequential(conv(64, 32), nn.Conv2d(32, len(CLASSES), 1))
        gy, gx = torch.meshgrid(torch.arange(GRID), torch.arange(GRID), indexing="ij")
        self.register_buffer("grid", torch.stack([gx, gy]).float().reshape(1, 2, GRID * GRID))

    def raw(self, x):
        f = self.body(x)
        n = x.shape[0]
        return self.box(f).reshape(n, 4, GRID * GRID), self.cls(f).reshape(n, len(CLASSES), GRID * GRID)

    def decode(self, t):
        centre = (self.grid + torch.sigmoid(t[:, :2]) * 2 - 0.5) * STRIDE
        size = torch.exp(t[:, 2:4].clamp(max=3)) * ITEM
        return torch.cat([centre, size], 1)

    def forward(self, x):
        t, c = self.raw(x)
        return torch.cat([self.decode(t), torch.sigmoid(c)], 1)


def det_targets(boxes):
    n = len(boxes)
    cls = torch.zeros(n, len(CLASSES), GRID * GRID)
    box = torch.zeros(n, 4, GRID * GRID)
    pos = torch.zeros(n, GRID * GRID, dtype=torch.bool)
    for i, objects in enumerate(boxes):
        for c, x1, y1, x2, y2, _ in objects:
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            cell = int(cy // STRIDE) * GRID + int(cx // STRIDE)
            cls[i, c, cell] = 1
            box[i, :, cell] = torch.tensor([cx, cy, x2 - x1, y2 - y1], dtype=torch.float32)
            pos[i, cell] = True
    return cls, box, pos


def iou_cxcywh(a, b):
    a1, a2 = a[:, :2] - a[:, 2:] / 2, a[:, :2] + a[:, 2:] / 2
    b1, b2 = b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2
    wh = (torch.minimum(a2, b2) - torch.maximum(a1, b1)).clamp(min=0)
    inter = wh[:, 0] * wh[:, 1]
    return inter / (a[:, 2] * a[:, 3] + b[:, 2] * b[:, 3] - inter)


def train(model, x, loss_of, epochs, seed, warmup=0.3):
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=epochs * ((len(x) + 31) // 32),
                                                pct_start=warmup)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x))
        total = 0.0
        for s in range(0, len(x), 32):
            idx = order[s:s + 32]
            loss = loss_of(model, idx)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        print(f"  {type(model).__name__} epoch {epoch + 1}/{epochs}: loss {total / len(x):.4f}", flush=True)
    model.eval()


def png(path, pixels, palette=None):
    """Writes an 8-bit gray PNG, or an indexed one when a palette [(r, g, b), ...] is given."""
    h, w = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    colour = 3 if palette else 0
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
    if palette:
        out += chunk(b"PLTE", bytes(v for rgb in palette for v in rgb))
    out += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(out)


def palette():
    """Background black, then ten distinct colours, index 255 (ignore) white."""
    base = [(0, 0, 0), (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
            (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212)]
    return base + [(0, 0, 0)] * (255 - len(base)) + [(255, 255, 255)]


def write_test_split(out, xs, ms, boxes):
    for sub in ("images", "masks", "labels", "annotations"):
        os.makedirs(os.path.join(out, "test", sub), exist_ok=True)
    coco = {"images": [], "annotations": [],
            "categories": [{"id": k + 1, "name": name} for k, name in enumerate(CLASSES)]}
    pal = palette()
    for i, objects in enumerate(boxes):
        stem = f"{i:04d}"
        png(os.path.join(out, "test", "images", stem + ".png"), xs[i])
        png(os.path.join(out, "test", "masks", stem + ".png"), ms[i], pal)
        coco["images"].append({"id": i + 1, "file_name": stem + ".png", "width": SIZE, "height": SIZE})
        yolo, voc = [], []
        for c, x1, y1, x2, y2, area in objects:
            coco["annotations"].append({"id": len(coco["annotations"]) + 1, "image_id": i + 1,
                                        "category_id": c + 1, "bbox": [x1, y1, x2 - x1, y2 - y1],
                                        "area": area, "iscrowd": 0})
            yolo.append(f"{c} {(x1 + x2) / 2 / SIZE:.6f} {(y1 + y2) / 2 / SIZE:.6f} "
                        f"{(x2 - x1) / SIZE:.6f} {(y2 - y1) / SIZE:.6f}")
            # VOC boxes are 1-based inclusive pixel indices.
            voc.append(f"  <object><name>{CLASSES[c]}</name><difficult>0</difficult><bndbox>"
                       f"<xmin>{x1 + 1}</xmin><ymin>{y1 + 1}</ymin><xmax>{x2}</xmax><ymax>{y2}</ymax>"
                       f"</bndbox></object>")
        with open(os.path.join(out, "test", "labels", stem + ".txt"), "w") as f:
            f.write("".join(line + "\n" for line in yolo))
        with open(os.path.join(out, "test", "annotations", stem + ".xml"), "w") as f:
            f.write(f"<annotation>\n  <filename>{stem}.png</filename>\n  <size><width>{SIZE}</width>"
                    f"<height>{SIZE}</height><depth>1</depth></size>\n" + "\n".join(voc) + "\n</annotation>\n")
    with open(os.path.join(out, "test", "instances.json"), "w") as f:
        json.dump(coco, f, separators=(",", ":"))
    with open(os.path.join(out, "test", "classes.txt"), "w") as f:
        f.write("".join(name + "\n" for name in CLASSES))


def export(model, path, output):
    torch.onnx.export(model, torch.zeros(1, 1, SIZE, SIZE), path, opset_version=13, input_names=["input"],
                      output_names=[output], dynamic_axes={"input": {0: "N"}, output: {0: "N"}},
                      do_constant_folding=True)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "../shared/zoo/fmnist-train"
    out = sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures/tasks"
    which = sys.argv[3] if len(sys.argv) > 3 else "all"
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    images = read_idx(os.path.join(src, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(src, "train-labels-idx1-ubyte.gz"))
    # Disjoint item pools per split, so no test item was seen in training.
    pools = {"train": (0, 40000), "test": (40000, 50000), "calib": (50000, 59000)}
    data = {}
    for k, (name, count) in enumerate(SPLITS.items()):
        a, b = pools[name]
        data[name] = make_canvases(images[a:b], labels[a:b], count, np.random.default_rng(k + 1))
    os.makedirs(out, exist_ok=True)
    if which in ("all", "data"):
        write_test_split(out, *data["test"])
        np.savez_compressed(os.path.join(out, "calib.npz"), x=data["calib"][0], masks=data["calib"][1])
    if which in ("all", "data", "train"):
        # Unlabelled images from the models' own training canvases: what fine-tuning distils on.
        np.savez_compressed(os.path.join(out, "train.npz"), x=data["train"][0][:TRAIN_IMAGES])

    xs, ms, boxes = data["train"]
    x = torch.from_numpy(xs).float().unsqueeze(1) / 255
    if which in ("all", "seg"):
        y = torch.from_numpy(ms).long()
        torch.manual_seed(1)  # initial weights independent of what ran before (seg alone or all)
        unet = UNet()
        train(unet, x[:1200], lambda m, i: F.cross_entropy(m(x[i]), y[i]), 6, 1, warmup=0.15)
        export(unet, os.path.join(out, "seg-unet.onnx"), "logits")
    if which in ("all", "det"):
        cls_t, box_t, pos_t = det_targets(boxes)

        def det_loss(m, i):
            t, c = m.raw(x[i])
            pos = pos_t[i]
            n_pos = max(1, int(pos.sum()))
            cls_loss = F.binary_cross_entropy_with_logits(c, cls_t[i], reduction="sum") / n_pos
            pred = m.decode(t).permute(0, 2, 1)[pos]
            gt = box_t[i].permute(0, 2, 1)[pos]
            box_loss = (F.l1_loss(pred, gt, reduction="sum") / STRIDE + (1 - iou_cxcywh(pred, gt)).sum()) / n_pos
            return cls_loss + 2 * box_loss

        torch.manual_seed(2)
        det = Detector()
        train(det, x, det_loss, 30, 2)
        export(det, os.path.join(out, "det-yolo.onnx"), "output")


if __name__ == "__main__":
    main()
