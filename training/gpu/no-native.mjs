// Stands in for native modules (sharp, onnxruntime-node) in the GPU machine's dataset bundle, which has
// no node_modules: writing datasets never touches them, and any other use fails loudly.
const unavailable = new Proxy(function () {}, {
  get() { throw new Error('native module not available in the dataset bundle'); },
  apply() { throw new Error('native module not available in the dataset bundle'); },
});
export default unavailable;
export const InferenceSession = unavailable;
export const Tensor = unavailable;
export const env = unavailable;
