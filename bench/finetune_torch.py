"""PyTorch side of `npm run bench:finetune`: the same distillation epoch on the same two ONNX models.

Runs the ONNX graphs (Conv, BatchNormalization, Relu, Clip, Add, GlobalAveragePool, Flatten, Gemm,
Identity) as torch modules with the ONNX initializers as parameters, and times epochs of
temperature-softened KL distillation (AdamW, flips and pad-crop, the same batch size) on the first
SAMPLES images of the training IDX files. BN=batch puts a BatchNorm2d in training mode after every
Conv of the student, as Whittle's batchNorm: 'batch' does. Prints one JSON line: CPU seconds
(process time) and wall seconds of the fastest epoch.
usage: python3 finetune_torch.py TEACHER.onnx STUDENT.onnx TRAIN_DIR SAMPLES BATCH THREADS EPOCHS [BN]
"""
import gzip, json, sys, time
import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F


class OnnxModule(torch.nn.Module):
    def __init__(self, path, batch_norm=False):
        super().__init__()
        m = onnx.load(path)
        self.nodes = list(m.graph.node)
        self.inits = {}
        self.params = torch.nn.ParameterList()
        for t in m.graph.initializer:
            a = torch.from_numpy(numpy_helper.to_array(t).copy())
            if a.dtype == torch.float32:
                p = torch.nn.Parameter(a)
                self.params.append(p)
                self.inits[t.name] = p
            else:
                self.inits[t.name] = a
        for n in self.nodes:
            if n.op_type == 'Constant':
                self.inits[n.output[0]] = torch.from_numpy(numpy_helper.to_array(n.attribute[0].t).copy())
        self.norms = torch.nn.ModuleDict()
        if batch_norm:
            for k, n in enumerate(self.nodes):
                if n.op_type == 'Conv':
                    self.norms[str(k)] = torch.nn.BatchNorm2d(self.inits[n.input[1]].shape[0])
        self.input = m.graph.input[0].name
        self.output = m.graph.output[0].name

    def forward(self, x):
        v = dict(self.inits)
        v[self.input] = x
        for k, n in enumerate(self.nodes):
            a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
            i = [v[name] if name else None for name in n.input]
            op = n.op_type
            if op == 'Constant':
                continue
            if op == 'Conv':
                p = a.get('pads', [0, 0, 0, 0])
                y = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None, stride=a.get('strides', [1, 1]),
                             padding=(p[0], p[1]), dilation=a.get('dilations', [1, 1]), groups=a.get('group', 1))
                if str(k) in self.norms:
                    y = self.norms[str(k)](y)
            elif op == 'BatchNormalization':
                y = F.batch_norm(i[0], i[3], i[4], i[1], i[2], False, 0.0, a.get('epsilon', 1e-5))
            elif op == 'Relu':
                y = F.relu(i[0])
            elif op == 'Clip':
                y = torch.clamp(i[0], float(i[1]), float(i[2]))
            elif op == 'Add':
                y = i[0] + i[1]
            elif op == 'GlobalAveragePool':
                y = i[0].mean(dim=(2, 3), keepdim=True)
            elif op == 'Flatten':
                y = torch.flatten(i[0], a.get('axis', 1))
            elif op == 'Gemm':
                b = i[1].t() if a.get('transB', 0) else i[1]
                y = i[0] @ b + (i[2] if len(i) > 2 else 0)
            elif op == 'Identity':
                y = i[0]
            else:
                raise SystemExit(f'unsupported op {op}')
            v[n.output[0]] = y
        return v[self.output]


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    n, h, w = np.frombuffer(data[4:16], dtype='>u4')
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 1, h, w)


def main():
    teacher_path, student_path, train_dir, samples, batch, threads, epochs = sys.argv[1:8]
    batch_norm = len(sys.argv) > 8 and sys.argv[8] == 'batch'
    samples, batch, threads, epochs = int(samples), int(batch), int(threads), int(epochs)
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    images = idx(f'{train_dir}/train-images-idx3-ubyte.gz')[:samples]
    x_all = torch.from_numpy(((images / 255.0 - 0.286) / 0.353).astype(np.float32))
    teacher = OnnxModule(teacher_path).eval()
    student = OnnxModule(student_path, batch_norm).train()
    opt = torch.optim.AdamW(student.parameters(), lr=1e-3, weight_decay=5e-4)
    T = 4.0
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        c0 = time.process_time()
        order = torch.randperm(samples)
        for s in range(0, samples, batch):
            x = x_all[order[s:s + batch]]
            flip = torch.rand(x.shape[0]) < 0.5
            x = torch.where(flip[:, None, None, None], x.flip(3), x)
            x = F.pad(x, (2, 2, 2, 2), mode='replicate')
            dy, dx = np.random.randint(0, 5, size=2)
            x = x[:, :, dy:dy + 28, dx:dx + 28]
            with torch.no_grad():
                t = teacher(x)
            s_logits = student(x)
            loss = F.kl_div(F.log_softmax(s_logits / T, 1), F.softmax(t / T, 1), reduction='batchmean') * T * T
            opt.zero_grad()
            loss.backward()
            opt.step()
        times.append((time.process_time() - c0, time.perf_counter() - t0))
    cpu, wall = min(times)
    print(json.dumps({'cpuSecondsPerEpoch': cpu, 'secondsPerEpoch': wall, 'samples': samples, 'threads': threads, 'torch': torch.__version__}))


main()
