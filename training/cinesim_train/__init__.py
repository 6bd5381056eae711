"""Cinesim training recipes: the PyTorch side that produces the ONNX models the TypeScript engine runs."""
