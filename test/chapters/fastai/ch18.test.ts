// fastai ch18, "CNN Interpretation with CAM": the hooks (a forward hook storing a detached copy,
// a backward hook storing the output's gradient, removal by remove(), `using` and withHooks),
// CAM by einsum with the identities that make it work (each score is the mean of its map plus the
// bias; at the body's output Grad-CAM is CAM / 49), Grad-CAM on an inner stage, the overlay, and
// on a trained model that the map points at what decides the class (occluding the top cell costs
// the score more than occluding the bottom cell), with a band measured over 3 seeds.
import { readFileSync, rmSync } from 'node:fs';
import { suite } from 'uvu';
const SEED = 1;
import * as assert from 'uvu/assert';
import { noGrad, randn, type Tensor } from 'groundup';
import { withHooks, type Sequential } from '@groundup/nn';
import { fashionSubset } from '../../../book/lib/fashion.ts';
import { fashionLoaders, FASHION_STATS } from '../../../book/fastai/ch16/setup.ts';
import { fashionResNet, getLearner } from '../../../book/fastai/ch14/models.ts';
import { cam, camBatch, finalLinear, gradCam } from '../../../book/fastai/ch18/cam.ts';
import { Hook, HookBwd } from '../../../book/fastai/ch18/hooks.ts';
import { magma, saveOverlays, upsample } from '../../../book/fastai/ch18/overlay.ts';

const hooks = suite('ch18 hooks');
hooks('Hook stores a detached copy of the output; `using` removes it at the end of the block, also on a throw', () => {
  const model = fashionResNet(0, { width: 4 }).eval();
  const body = model.at(0);
  const x = randn(2, 1, 28, 28);
  let kept: Hook;
  {
    using hook = new Hook(body);
    kept = hook;
    const out = model.call(x.requiresGrad_());
    assert.equal(hook.stored!.shape, [2, 16, 7, 7]);
    assert.is(hook.stored!.requiresGrad, false, 'detached');
    assert.ok(out.requiresGrad);
  }
  assert.is(kept.hook.active, false);
  const before = kept.stored;
  noGrad(() => model.call(x));
  assert.is(kept.stored, before, 'no longer called');
  let inner: Hook | null = null;
  try { using h = new Hook(body); inner = h; throw new Error('x'); } catch { /* the block threw */ }
  assert.is(inner!.hook.active, false);
  // withHooks: the same for code without `using`.
  const seen: Tensor[] = [];
  withHooks([body.registerForwardHook((_m, _i, o) => { seen.push(o as Tensor); })], () => noGrad(() => model.call(x)));
  noGrad(() => model.call(x));
  assert.is(seen.length, 1);
});
hooks('HookBwd stores the gradient of the module\'s output (grad_output[0]), even when the input needs none', () => {
  const model = fashionResNet(1, { width: 4 }).eval();
  const body = model.at(0), x = randn(1, 1, 28, 28);
  using hb = new HookBwd(body);
  using hf = new Hook(body);
  const act = (body.call as (t: Tensor) => Tensor)(x).detach().requiresGrad_();
  const ref = (model.at(1).call as (t: Tensor) => Tensor)(act);
  ref.at(0, 3).backward();
  const out = model.call(x);
  out.at(0, 3).backward();
  assert.ok(hb.stored!.allclose(act.grad!, 1e-6, 1e-7), 'the stored gradient is d output[0, 3] / d body(x)');
  assert.equal(hf.stored!.shape, [1, 16, 7, 7]);
});
hooks.run();

const camS = suite('ch18 CAM and Grad-CAM');
camS('CAM = einsum(\'ck,kij->cij\', W, act): each score is the mean of its map plus the bias (any weights)', () => {
  const model = fashionResNet(2, { width: 4 });
  // Move the BatchNorm statistics off their defaults so the check is not a special case.
  noGrad(() => { model.train(); model.call(randn(16, 1, 28, 28).mul(2).add(0.5)); });
  const x = randn(1, 1, 28, 28);
  const r = cam(model, x);
  assert.equal(r.camMap.shape, [10, 7, 7]);
  assert.ok(r.camMap.mean([1, 2]).add(finalLinear(model).bias!).allclose(r.output.at(0), 1e-4, 1e-5));
});
camS('Grad-CAM at the body\'s output is CAM / 49; on body[-2] it is a 14×14 map; nothing is left in .grad', () => {
  const model = fashionResNet(3, { width: 4 });
  noGrad(() => { model.train(); model.call(randn(16, 1, 28, 28)); });
  const x = randn(1, 1, 28, 28);
  const c = cam(model, x);
  for (const cls of [0, 4, 9]) {
    const g = gradCam(model, model.at(0), x, cls);
    assert.ok(g.map.allclose(c.camMap.at(cls).div(49), 1e-4, 1e-6), `class ${cls}`);
  }
  const inner = gradCam(model, (model.at(0) as Sequential).at(-2), x, 2);
  assert.equal(inner.map.shape, [14, 14]);
  assert.equal(inner.grad.shape, [8, 14, 14]);
  assert.ok(model.parameters().every((p) => p.grad === null));
});
camS('the overlay: a 7×7 map upsampled bilinearly to the image, magma colours, PNG and SVG written', () => {
  const m = randn(7, 7);
  assert.equal(upsample(m, 28).shape, [28, 28]);
  assert.ok(Math.abs(upsample(m, 28).mean().item() - m.mean().item()) < 0.05, 'bilinear keeps the mean roughly');
  assert.equal(magma(0), [0, 0, 4]);
  assert.equal(magma(1), [252, 253, 191]);
  const dir = `out/test-ch18-${process.pid}`;
  const files = saveOverlays(`${dir}/o`, [{ caption: 'a', image: randn(28, 28).sigmoid(), maps: [m, m.neg()] }], ['image', 'map', 'neg'], 56);
  const png = readFileSync(files.png);
  assert.equal([...png.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
  assert.is(png.readUInt32BE(16), 3 * 56 + 2 * 4, 'width: three tiles and two gaps');
  assert.ok(readFileSync(files.svg, 'utf8').includes('data:image/png;base64,'));
  rmSync(dir, { recursive: true, force: true });
});
camS.run();

const trained = suite('ch18 on a trained model (Fashion-MNIST, 1,000 images, width 4, 2 epochs; seed 1)');
trained('occluding the input under the top CAM cell lowers the predicted score more than under the bottom cell', () => {
  // For 200 validation images: the 4×4 input patch under the 7×7 map's highest cell, then under
  // its lowest, is set to the background, and the predicted class's score (logit) drops by dTop
  // and dBottom. Measured over seeds 1–3 (accuracy 0.29–0.33 after this short training): dTop >
  // dBottom for 0.875, 0.885 and 0.940 of the images; mean dTop 0.014–0.021, dBottom −0.018 to
  // −0.004. (The lesson's model, 0.76–0.79 accurate: dTop 0.155 against dBottom 0.000.) A map
  // transposed, flipped or shifted against the image would not single out the cells the score
  // depends on. Band: ≥ 0.75 of the images.
  const learn = getLearner(fashionLoaders(1000, 200, SEED, 32), fashionResNet(SEED, { width: 4 }), [], false);
  learn.logger = () => {};
  learn.fitOneCycle(2, 3e-3);
  const model = learn.model;
  const data = fashionSubset(0, 200, 7);
  const bg = (0 - FASHION_STATS[0]) / FASHION_STATS[1];
  const xs = data.validX.sub(FASHION_STATS[0]).div(FASHION_STATS[1]);
  const r = camBatch(model, xs);
  const pred = r.output.argmax(-1);
  const top = xs.clone(), bottom = xs.clone();
  for (let i = 0; i < 200; i++) {
    const p = pred.at(i).item(), flat = r.camMap.at(i, p).reshape([49]);
    for (const [t, cell] of [[top, flat.argmax().item()], [bottom, flat.argmin().item()]] as const)
      t.narrow(0, i, 1).narrow(2, Math.floor(cell / 7) * 4, 4).narrow(3, (cell % 7) * 4, 4).fill_(bg);
  }
  const score = (t: Tensor): Tensor => noGrad(() => model.eval().call(t)).gather(1, pred.unsqueeze(1)).squeeze(1);
  const base = score(xs);
  const dTop = base.sub(score(top)), dBottom = base.sub(score(bottom));
  const share = dTop.gt(dBottom).float().mean().item();
  assert.ok(share >= 0.75, `dTop > dBottom for ${share} of the images`);
  assert.ok(dTop.mean().item() > dBottom.mean().item(), `mean dTop ${dTop.mean().item()} vs dBottom ${dBottom.mean().item()}`);
});
trained.run();
