/**
 * The denoising transformer (DiT) as a function: noisy latents, σ, text and known frames → velocity.
 * Graph contract (docs/FORMATS.md): latents [B, C, T, h, w], timestep [B] (σ), text [B, L, D],
 * text_mask [B, L], cond_latents [B, C, T, h, w], cond_mask [B, 1, T, h, w] → velocity [B, C, T, h, w].
 */
import { CinesimError, ERRORS } from '../errors.ts';
import type { Latents } from './latents.ts';
import { float32Output, float32Tensor, type Session } from './ort.ts';
import type { TextEmbeddings } from './text.ts';

export interface TransformerInputs {
  readonly latents: Latents; //     [B, C, T, h, w]
  /** The same σ for every batch item. */
  readonly sigma: number;
  readonly text: TextEmbeddings; // [B, L, D]
  readonly condLatents: Latents; // [B, C, T, h, w]
  readonly condMask: Latents; //    [B, 1, T, h, w]
}

export class Transformer {
  private readonly session: Session;

  constructor(session: Session) {
    this.session = session;
  }

  /** Velocity v = ε − x₀ predicted at σ: [B, C, T, h, w], same layout as the latents. */
  async velocity(inputs: TransformerInputs): Promise<Float32Array> {
    const { latents, text, condLatents, condMask } = inputs;
    const [b, c, t, h, w] = latents.shape;
    if (text.batch !== b || condLatents.shape[0] !== b || condMask.shape[0] !== b) {
      throw new CinesimError(
        ERRORS.INTERNAL,
        `transformer batch mismatch: latents ${b}, text ${text.batch}, cond ${condLatents.shape[0]}, mask ${condMask.shape[0]}`,
      );
    }
    const out = await this.session.run({
      latents: float32Tensor(latents.data, latents.shape),
      timestep: float32Tensor(new Float32Array(b).fill(inputs.sigma), [b]),
      text: float32Tensor(text.data, [b, text.length, text.dim]),
      text_mask: float32Tensor(text.mask, [b, text.length]),
      cond_latents: float32Tensor(condLatents.data, condLatents.shape),
      cond_mask: float32Tensor(condMask.data, condMask.shape),
    });
    const velocity = float32Output(out, 'velocity', this.session);
    if (velocity.data.length !== latents.data.length) {
      throw new CinesimError(
        ERRORS.MODEL_INVALID,
        `${this.session.name}: velocity [${velocity.dims.join(', ')}] does not match latents [${[b, c, t, h, w].join(', ')}]`,
      );
    }
    return velocity.data;
  }
}
