/**
 * A small learned re-scorer: gradient-boosted regression trees on the logistic loss (the second stage of a
 * detector cascade). The candidate stage proposes loosely; the trees weigh the quantities it measured and
 * say which candidates to keep. Trained in TypeScript (`fitBoostedTrees`), deterministic, and small enough
 * to keep as JSON beside the code (impacts.ts owns the features and loads its model).
 *
 * Splits are found on quantile bins of each feature (a histogram per node), leaves take a Newton step with
 * L2 shrinkage, and each tree is scaled by the learning rate. No sampling, so the same data gives the same trees.
 */

/** A tree, flattened: node i splits on `feature[i]` at `threshold[i]` (x ≤ threshold goes left), or is a leaf (feature −1). */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** Leaf values (log-odds), 0 for inner nodes. */
  value: number[];
}

export interface BoostedTrees {
  /** Names of the features in order (a model is only valid for the feature vector it was trained on). */
  features: string[];
  /** Log-odds before the trees. */
  bias: number;
  trees: Tree[];
}

/** Log-odds that the candidate is real. */
export function scoreTrees(model: BoostedTrees, x: ArrayLike<number>): number {
  let s = model.bias;
  for (const t of model.trees) {
    let i = 0;
    while (t.feature[i] >= 0) i = x[t.feature[i]] <= t.threshold[i] ? t.left[i] : t.right[i];
    s += t.value[i];
  }
  return s;
}

export interface BoostOptions {
  trees: number;
  depth: number;
  learningRate: number;
  /** L2 shrinkage of leaf values (in units of the hessian sum). */
  lambda: number;
  /** Smallest hessian sum in a leaf: no leaf fits a handful of samples. */
  minLeaf: number;
  /** Quantile bins per feature. */
  bins: number;
}

export const DEFAULT_BOOST: BoostOptions = { trees: 150, depth: 3, learningRate: 0.1, lambda: 2, minLeaf: 4, bins: 32 };

/** Fits trees to rows `x` (n × features) with labels `y` (0/1). */
export function fitBoostedTrees(features: string[], x: readonly Float64Array[], y: readonly number[], options: Partial<BoostOptions> = {}): BoostedTrees {
  const o = { ...DEFAULT_BOOST, ...options };
  const n = x.length, nf = features.length;
  // Bin edges: distinct quantiles of each feature.
  const edges: number[][] = [];
  const binned: Uint8Array[] = [];
  for (let f = 0; f < nf; f++) {
    const col = Float64Array.from(x, (row) => row[f]).sort();
    const e: number[] = [];
    for (let b = 1; b < o.bins; b++) {
      const v = col[Math.floor((b * (n - 1)) / o.bins)];
      if (e.length === 0 || v > e[e.length - 1]) e.push(v);
    }
    edges.push(e);
    const codes = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let b = 0;
      while (b < e.length && x[i][f] > e[b]) b++;
      codes[i] = b;
    }
    binned.push(codes);
  }
  const positives = y.reduce((s, v) => s + v, 0);
  const prior = Math.min(Math.max(positives / n, 1e-3), 1 - 1e-3);
  const bias = Math.log(prior / (1 - prior));
  const margin = new Float64Array(n).fill(bias);
  const grad = new Float64Array(n), hess = new Float64Array(n);
  const trees: Tree[] = [];
  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-margin[i]));
      grad[i] = p - y[i];
      hess[i] = Math.max(p * (1 - p), 1e-6);
    }
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const grow = (rows: number[], depth: number): number => {
      const id = tree.feature.length;
      tree.feature.push(-1), tree.threshold.push(0), tree.left.push(-1), tree.right.push(-1), tree.value.push(0);
      let G = 0, H = 0;
      for (const i of rows) (G += grad[i]), (H += hess[i]);
      const gain = (g: number, h: number) => (g * g) / (h + o.lambda);
      let best = { gain: 1e-9, f: -1, b: -1 };
      if (depth < o.depth) {
        for (let f = 0; f < nf; f++) {
          const nb = edges[f].length + 1;
          const gs = new Float64Array(nb), hs = new Float64Array(nb);
          const codes = binned[f];
          for (const i of rows) (gs[codes[i]] += grad[i]), (hs[codes[i]] += hess[i]);
          let gl = 0, hl = 0;
          for (let b = 0; b < nb - 1; b++) {
            gl += gs[b], hl += hs[b];
            const hr = H - hl;
            if (hl < o.minLeaf || hr < o.minLeaf) continue;
            const g = gain(gl, hl) + gain(G - gl, hr) - gain(G, H);
            if (g > best.gain) best = { gain: g, f, b };
          }
        }
      }
      if (best.f < 0) {
        tree.value[id] = (-G / (H + o.lambda)) * o.learningRate;
        return id;
      }
      const codes = binned[best.f];
      tree.feature[id] = best.f;
      tree.threshold[id] = edges[best.f][best.b];
      const l = grow(rows.filter((i) => codes[i] <= best.b), depth + 1);
      const r = grow(rows.filter((i) => codes[i] > best.b), depth + 1);
      tree.left[id] = l;
      tree.right[id] = r;
      return id;
    };
    grow(Array.from({ length: n }, (_, i) => i), 0);
    trees.push(tree);
    const model = { features, bias: 0, trees: [tree] };
    for (let i = 0; i < n; i++) margin[i] += scoreTrees(model, x[i]);
  }
  return { features, bias, trees };
}
