// The model ch18 looks inside: ch14's ResNet for 28-pixel images (fashionResNet: [body, head],
// the body ending on a 7×7 grid), trained on Fashion-MNIST by the ch14 lesson, which saves it.
// When that file is missing (or was trained at another width), it is trained here the same way.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sequential } from '@groundup/nn';
import { loadInto, loadSafetensors, save } from '@groundup/nn';
import { fashionLoaders } from '../ch16/setup.ts';
import { fashionResNet, getLearner } from '../ch14/models.ts';

export const CAM_MODEL_PATH = 'out/fastai-14/fashion-resnet.safetensors';

export interface CamModelOptions { width?: number; nTrain?: number; epochs?: number; seed?: number; path?: string; progress?: boolean }
export interface CamModel { model: Sequential; accuracy: number; trainedHere: boolean; meta: Record<string, string> }

/** Trains fashionResNet with fitOneCycle(epochs, 3e-3) on nTrain Fashion-MNIST images and saves it with its settings. */
export function trainCamModel({ width = 16, nTrain = 6000, epochs = 5, seed = 42, path = CAM_MODEL_PATH, progress = true }: CamModelOptions = {}): CamModel {
  const learn = getLearner(fashionLoaders(nTrain, 2000, seed), fashionResNet(seed, { width }), [], progress);
  learn.fitOneCycle(epochs, 3e-3);
  const accuracy = learn.recorder.values.at(-1)!.at(-1)!;
  const meta = { width: `${width}`, nTrain: `${nTrain}`, epochs: `${epochs}`, seed: `${seed}`, accuracy: accuracy.toFixed(4) };
  mkdirSync(dirname(path), { recursive: true });
  save(learn.model, path, { metadata: meta });
  return { model: learn.model, accuracy, trainedHere: true, meta };
}

/** The saved model when it matches the width asked for; otherwise a newly trained one. */
export function loadOrTrainCamModel(opts: CamModelOptions = {}): CamModel {
  const path = opts.path ?? CAM_MODEL_PATH, width = opts.width ?? 16;
  if (existsSync(path)) {
    const meta = loadSafetensors(path).metadata ?? {};
    if (meta['width'] === `${width}`) {
      const model = fashionResNet(0, { width });
      loadInto(model, path);
      return { model, accuracy: Number(meta['accuracy']), trainedHere: false, meta };
    }
  }
  return trainCamModel(opts);
}
