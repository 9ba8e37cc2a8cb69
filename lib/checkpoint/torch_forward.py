"""Loads one of our model.safetensors into an equivalent torch.nn model and prints its logits.

Usage: python3 torch_forward.py MODEL.safetensors LAYERS.json INPUTS.f32 N
LAYERS.json holds the layer specs the draw-and-classify page rebuilds its model from (layerSpecs,
lib/page/network.ts) and the input shape;
INPUTS.f32 holds N transformed images, float32 little-endian, NCHW. Prints the logits as JSON.
Only the standard library and Debian's python3-torch: the safetensors format is read by hand
(8-byte little-endian header length, a JSON header, raw little-endian float32 data).
"""
import json
import struct
import sys

import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    body = data[8 + length :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{name}: dtype {info['dtype']}"
        start, end = info["data_offsets"]
        values = torch.frombuffer(bytearray(body[start:end]), dtype=torch.float32)
        tensors[name] = values.reshape(info["shape"])
    return tensors


class AddBias(torch.nn.Module):
    """One bias per output position ([F, OH, OW]), which torch.nn.Conv2d has no option for."""

    def __init__(self, bias):
        super().__init__()
        self.bias = torch.nn.Parameter(bias)

    def forward(self, x):
        return x + self.bias


def pair(v):
    return tuple(v) if isinstance(v, list) else (v, v)


def build(layers, tensors):
    modules = []
    for i, layer in enumerate(layers):
        kind, o = layer["kind"], layer.get("options", {})
        name = f"{i}.{kind}."
        if kind == "conv2d":
            f, c = o["filters"], o["input"][0]
            conv = torch.nn.Conv2d(c, f, pair(o["kernel"]), stride=pair(o["stride"]), bias=False)
            conv.weight.data = tensors[name + "kernel"].clone()  # [F, C, KH, KW], as PyTorch's
            pad = o["padding"]
            modules.append(torch.nn.ZeroPad2d((pad["left"], pad["right"], pad["top"], pad["bottom"])))
            modules.append(conv)
            if o["bias"] != "none":
                bias = tensors[name + "bias"]
                modules.append(AddBias(bias.reshape(-1, 1, 1) if bias.dim() == 1 else bias))
        elif kind == "max_pool2d":
            window = pair(o["window"])
            modules.append(torch.nn.MaxPool2d(window, stride=pair(o.get("stride", o["window"]))))
        elif kind == "dense":
            weight = tensors[name + "weight"]  # ours [inputs, units]; Linear's is [out, in]
            linear = torch.nn.Linear(weight.shape[0], weight.shape[1], bias=o["bias"])
            linear.weight.data = weight.t().contiguous()
            if o["bias"]:
                linear.bias.data = tensors[name + "bias"].clone()
            modules.append(linear)
        elif kind == "relu":
            modules.append(torch.nn.ReLU())
        elif kind == "sigmoid":
            modules.append(torch.nn.Sigmoid())
        elif kind == "flatten":
            modules.append(torch.nn.Flatten())  # NCHW, channel-major, as ours
        else:
            raise ValueError(f"unknown layer {kind}")
    return torch.nn.Sequential(*modules)


def main():
    model_path, layers_path, inputs_path, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    spec = json.load(open(layers_path))
    model = build(spec["layers"], read_safetensors(model_path)).eval()
    with open(inputs_path, "rb") as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape([n, *spec["inputShape"]])
    with torch.no_grad():
        print(json.dumps(model(x).double().tolist()))


if __name__ == "__main__":
    main()
