/**
 * `--model` and `--probe`: the model a command names, found and checked to be of the kind the command runs
 * (generate, story, batch and eval a video model; play and eval world a world model; --check and eval a
 * probe) before anything loads. A name that matches nothing, a folder without a manifest, or a model of
 * another kind is bad input (exit 2), and the message lists the models of the kind needed.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';
import type { Manifest, ModelKind } from '../engine/manifest.ts';

/** The folder and manifest of the model `nameOrPath` names; `flag` is the flag that named it. */
export async function checkModel<K extends ModelKind>(
  nameOrPath: string,
  kind: K,
  flag = '--model',
): Promise<{ dir: string; manifest: Extract<Manifest, { kind: K }> }> {
  const { resolveModel, loadManifest, modelSearchDirs, MANIFEST_FILE } = await import('../engine/manifest.ts');
  const dir = await resolveModel(nameOrPath).catch(async (error: unknown) => {
    if (!(error instanceof CinesimError) || error.code !== ERRORS.MODEL_NOT_FOUND.code) throw error;
    const where = error.details?.available ? `no model named '${nameOrPath}' in ${modelSearchDirs().join(', ')}` : error.message;
    throw invalidArgument(flag, `${flag} ${nameOrPath}: ${where}; ${await modelsOfKind(kind)}`);
  });
  const hasManifest = await access(join(dir, MANIFEST_FILE)).then(() => true, () => false);
  if (!hasManifest) {
    throw invalidArgument(flag, `${flag} ${nameOrPath}: ${dir} has no ${MANIFEST_FILE}, so it is not a model folder; ${await modelsOfKind(kind)}`);
  }
  const manifest = await loadManifest(dir); // a broken manifest is the model's fault, not the command line's (exit 1)
  if (manifest.kind !== kind) {
    throw invalidArgument(flag, `${flag} ${nameOrPath} is a ${manifest.kind} model ('${manifest.name}'), not a ${kind} model; ${await modelsOfKind(kind)}`);
  }
  return { dir, manifest: manifest as Extract<Manifest, { kind: K }> };
}

/** "video models: shapes-64" (the models found by name whose manifest loads and is of `kind`). */
async function modelsOfKind(kind: ModelKind): Promise<string> {
  const { listModels, resolveModel, loadManifest, modelSearchDirs } = await import('../engine/manifest.ts');
  const quiet = { logger: { warn: () => {}, error: () => {} } }; // a model's own warnings are not this list's
  const names: string[] = [];
  for (const name of await listModels()) {
    const manifest = await resolveModel(name).then((dir) => loadManifest(dir, quiet)).catch(() => undefined);
    if (manifest?.kind === kind) names.push(name);
  }
  if (names.length === 0) return `there are no ${kind} models in ${modelSearchDirs().join(', ')} (give a model folder's path)`;
  return `${kind} models: ${names.join(', ')}`;
}
