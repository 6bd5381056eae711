/**
 * Prompt → text embeddings for the transformer's cross-attention, through the `textEncoder` graph.
 * Token lists of different lengths are right-padded with 0 into one batch; the mask (1 = token, 0 = pad)
 * travels with the embeddings so the transformer ignores the padding.
 */
import { CinesimError, ERRORS } from '../errors.ts';
import { float32Output, int64Tensor, type Session } from './ort.ts';
import { BOS_ID, PAD_ID } from './tokenizer.ts';

/** The empty prompt: the unconditional branch of classifier-free guidance, as in training. */
export const UNCONDITIONAL_TOKENS: readonly number[] = Object.freeze([BOS_ID]);

/** Encoded prompts: text [B, L, D] and mask [B, L]. */
export interface TextEmbeddings {
  readonly batch: number;
  readonly length: number;
  readonly dim: number;
  readonly data: Float32Array; // [B, L, D]
  readonly mask: Float32Array; // [B, L]
}

/** Right-pads token lists to the longest: ids int64 [B, L] and mask [B, L]. */
export function padTokens(lists: readonly (readonly number[])[]): { ids: BigInt64Array; mask: Float32Array; length: number } {
  const length = Math.max(...lists.map((l) => l.length));
  const ids = new BigInt64Array(lists.length * length); // zeros = <pad>
  const mask = new Float32Array(lists.length * length);
  lists.forEach((tokens, b) => {
    tokens.forEach((id, i) => {
      ids[b * length + i] = BigInt(id); // [b, i]
      mask[b * length + i] = id === PAD_ID ? 0 : 1;
    });
  });
  return { ids, mask, length };
}

/** Row `b` of a batch of embeddings, as a batch of one. */
export function textRow(text: TextEmbeddings, b: number): TextEmbeddings {
  const { length: L, dim: D } = text;
  return {
    batch: 1,
    length: L,
    dim: D,
    data: text.data.subarray(b * L * D, (b + 1) * L * D), // [1, L, D]
    mask: text.mask.subarray(b * L, (b + 1) * L), // [1, L]
  };
}

export class PromptEncoder {
  private readonly session: Session;

  constructor(session: Session) {
    this.session = session;
  }

  /** Encodes token lists (each starting with `<bos>`) in one call: [B, L, D]. */
  async encode(lists: readonly (readonly number[])[]): Promise<TextEmbeddings> {
    if (lists.length === 0 || lists.some((l) => l.length === 0 || l[0] !== BOS_ID)) {
      throw new CinesimError(ERRORS.INTERNAL, 'every token list must start with <bos>');
    }
    const { ids, mask, length } = padTokens(lists);
    const out = await this.session.run({ tokens: int64Tensor(ids, [lists.length, length]) });
    const text = float32Output(out, 'text', this.session);
    const [b, l, dim] = text.dims; // [B, L, D]
    if (b !== lists.length || l !== length || dim === undefined) {
      const message = `${this.session.name}: text output [${text.dims.join(', ')}] is not [${lists.length}, ${length}, D]`;
      throw new CinesimError(ERRORS.MODEL_INVALID, message);
    }
    return { batch: b, length, dim, data: text.data, mask };
  }
}
