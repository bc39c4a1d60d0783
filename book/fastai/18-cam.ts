// fastai chapter 18, "CNN Interpretation with CAM": a forward hook stores the body's activations,
// the final Linear's weights turn them into one map per class (CAM); a backward hook stores the
// gradient of a class score, which weights the activations of any layer (Grad-CAM). Hooks are
// removed by hand, by `using` (the book's context manager), or by withHooks.
// Run it with `pnpm chapter fastai/18` (options: --width 16; the model comes from the ch14 lesson,
// out/fastai-14/fashion-resnet.safetensors, or is trained here in a few minutes when missing).
//
// Data and model: the book fine-tunes a pretrained ResNet-34 on Oxford-IIIT Pets (cats vs dogs)
// at 224 pixels; Pets and pretrained weights are not available offline. Here ch14's ResNet for
// 28-pixel images is trained from scratch on Fashion-MNIST (10 classes). Its body ends on a 7×7
// grid like ResNet-34's at 224 pixels, with 64 channels instead of 512 ([64, 7, 7] where the book
// has [512, 7, 7]), so the maps are as coarse as the book's relative to the image.
import { einsum, noGrad, softmax, type Tensor } from 'groundup';
import { FASHION_MNIST_CLASSES } from '@groundup/data';
import { withHooks, type Sequential } from '@groundup/nn';
import { fashionSubset } from '../lib/fashion.ts';
import { FASHION_STATS } from './ch16/setup.ts';
import { cam, finalLinear, gradCam } from './ch18/cam.ts';
import { Hook, HookBwd } from './ch18/hooks.ts';
import { loadOrTrainCamModel } from './ch18/model.ts';
import { saveOverlays, type OverlayRow } from './ch18/overlay.ts';

const h = (title: string, level = 2): void => console.log(`\n${'#'.repeat(level)} ${title}\n`);
const out = (name: string): string => `out/fastai-18/${name}`;
const arg = (name: string, dflt: number): number => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const fmt = (t: Tensor): string => (t.toFlatArray() as number[]).map((v) => v.toExponential(2)).join(', ');
const CLASSES = FASHION_MNIST_CLASSES;

console.log('# CNN Interpretation with CAM');
const { model, accuracy, trainedHere, meta } = loadOrTrainCamModel({ width: arg('width', 16) });
console.log(`${trainedHere ? 'trained here' : 'loaded from the ch14 lesson'}: ch14's ResNet for 28-pixel images (width ${meta['width']}, ${meta['nTrain']} Fashion-MNIST images, fitOneCycle(${meta['epochs']}, 3e-3)), valid accuracy ${accuracy.toFixed(4)}`);
console.log('(the book: ResNet-34 pretrained on ImageNet, fine-tuned on Pets, error 0.0068)');
const body = model.at(0) as Sequential, head = model.at(1) as Sequential;
console.log(`model = [body, head] as cnn_learner builds it; head = ${head.toString().replace(/\n\s*/g, ' ')}`);

// Validation images, normalised as in training; the decoded image (0..1) is for display.
const data = fashionSubset(0, 2000, 42);
const norm = (x: Tensor): Tensor => x.sub(FASHION_STATS[0]).div(FASHION_STATS[1]);
const preds = noGrad(() => { model.eval(); return model.call(norm(data.validX)); });
const predicted = preds.argmax(-1);
/** The first validation image of a class that the model gets right. */
const pick = (c: number): number => {
  const ok = data.validY.eq(c).logicalAnd(predicted.eq(c)).float();
  return ok.max().item() > 0 ? ok.argmax().item() : data.validY.eq(c).float().argmax().item();
};

h('CAM and Hooks');
const idx = pick(7);
const x = norm(data.validX.narrow(0, idx, 1)), xDec = data.validX.at(idx, 0);
console.log(`x: validation image ${idx}, a ${CLASSES[data.validY.at(idx).item()]}, shape [${x.shape}]   (book: a cat, [1, 3, 224, 224])`);
{
  // The book's first Hook: a hook function stored in an object, registered by hand.
  class HookOutput { stored: Tensor | null = null; hookFunc = (_m: unknown, _i: unknown, o: Tensor): void => { this.stored = o.detach().clone(); }; }
  const hookOutput = new HookOutput();
  const hook = body.registerForwardHook(hookOutput.hookFunc);
  const output = noGrad(() => model.eval().call(x));
  const act = hookOutput.stored!.at(0);
  console.log(`F.softmax(output): ${fmt(softmax(output, -1))}   (book: 7.36e-07, 1.0000 for [dog, cat])`);
  console.log(`classes: ${CLASSES.join(', ')}`);
  console.log(`act = hook_output.stored[0]: [${act.shape}]   (book: [512, 7, 7])`);
  const w = finalLinear(model).weight;
  const camMap = einsum('ck,kij->cij', w, act);
  console.log(`cam_map = einsum('ck,kij->cij', learn.model[1][-1].weight [${w.shape}], act): [${camMap.shape}]   (book: [2, 7, 7])`);
  // Why it works: the head averages over the grid then applies the Linear, so each class score is
  // the mean of its map plus the bias.
  const fromMap = camMap.mean([1, 2]).add(finalLinear(model).bias!);
  console.log(`the mean of each class's map plus the bias is the model's output: max difference ${fromMap.sub(output.at(0)).abs().max().item().toExponential(1)}`);
  const cls = predicted.at(idx).item();
  console.log(`wrote ${saveOverlays(out('cam-one'), [{ caption: `${CLASSES[cls]} (predicted)`, image: xDec, maps: [camMap.at(cls)] }], ['image', 'CAM']).png} (the map of the predicted class over the image: alpha 0.6, bilinear, magma)`);
  hook.remove();
  console.log('hook.remove(): a hook left registered keeps storing activations (and memory) on every later call.');
}
h('Hooks as context managers', 3);
{
  // The book's `with Hook(learn.model[0]) as hook:`. In TypeScript: `using`, which calls
  // [Symbol.dispose]() (remove) when the block ends, even when it throws.
  let act: Tensor, kept: Hook;
  {
    using hook = new Hook(body);
    noGrad(() => model.eval().call(x));
    act = hook.stored!;
    kept = hook;
  }
  console.log(`using hook = new Hook(body): act [${act.shape}]; after the block the hook is ${kept.hook.active ? 'still registered (wrong)' : 'removed'}`);
  const stored: Tensor[] = [];
  withHooks([body.registerForwardHook((_m, _i, o) => { stored.push(o.detach()); })], () => noGrad(() => model.call(x)));
  noGrad(() => model.call(x));
  console.log(`withHooks([handle], fn) removes its hooks when fn returns or throws: one call stored ${stored.length} activation (the call after it none)`);
}

h('Gradient CAM');
{
  const cls = predicted.at(idx).item();
  let act: Tensor, grad: Tensor, output: Tensor;
  {
    using hookg = new HookBwd(body);
    {
      using hook = new Hook(body);
      output = model.eval().call(x);
      act = hook.stored!;
    }
    output.at(0, cls).backward();
    grad = hookg.stored!;
  }
  for (const p of model.parameters()) p.grad = null;
  const w = grad.at(0).mean([1, 2], true);
  const camMap = w.mul(act.at(0)).sum(0);
  console.log(`output[0, ${cls}].backward(): grad [${grad.shape}], w = grad[0].mean([1, 2], keepdim) [${w.shape}], cam_map = (w · act[0]).sum(0) [${camMap.shape}]`);
  const plain = cam(model, x).camMap.at(cls);
  console.log(`at the body's output the gradient of a score is its Linear weight / 49 everywhere, so Grad-CAM there is CAM / 49: max difference ${camMap.sub(plain.div(49)).abs().max().item().toExponential(1)}`);
  const inner = gradCam(model, body.at(-2), x, cls);
  console.log(`Grad-CAM on body[-2] (the first stage, before the last stride-2 step): act [${inner.act.shape}], map [${inner.map.shape}]   (book: model[0][-2], 14×14 at 224 px)`);
}

h('Several classes', 3);
{
  const rows: OverlayRow[] = [];
  const table: string[] = [];
  for (let c = 0; c < CLASSES.length; c++) {
    const i = pick(c), xi = norm(data.validX.narrow(0, i, 1));
    const p = predicted.at(i).item();
    const r = cam(model, xi);
    const last = gradCam(model, body, xi, p).map, inner = gradCam(model, body.at(-2), xi, p).map;
    rows.push({ caption: `${CLASSES[c]}: predicted ${CLASSES[p]} (${softmax(r.output, -1).at(0, p).item().toFixed(3)})`, image: data.validX.at(i, 0), maps: [r.camMap.at(p), last, inner] });
    table.push(`  ${CLASSES[c]!.padEnd(12)} image ${String(i).padStart(4)}  predicted ${CLASSES[p]}`);
  }
  console.log(table.join('\n'));
  const files = saveOverlays(out('cam-classes'), rows, ['image', 'CAM', 'Grad-CAM body', 'Grad-CAM body[-2]'], 150);
  console.log(`wrote ${files.png} and ${files.svg} (with captions): one row per class; columns: the image, CAM (7×7), Grad-CAM on the body (7×7) and on body[-2] (14×14), each for the predicted class`);
  // Two classes on one image: what speaks for a sneaker and what for a sandal.
  const i = pick(7), r = cam(model, norm(data.validX.narrow(0, i, 1)));
  const two = saveOverlays(out('cam-two-classes'), [{ caption: `image ${i}`, image: data.validX.at(i, 0), maps: [5, 7, 9].map((c) => r.camMap.at(c)) }],
    ['image', `CAM ${CLASSES[5]}`, `CAM ${CLASSES[7]}`, `CAM ${CLASSES[9]}`], 140);
  console.log(`wrote ${two.png}: the maps of three footwear classes on one sneaker`);
}

h('Conclusion');
console.log(`CAM needs the body to end in average pooling and a Linear (as ResNets do); Grad-CAM works at
any layer, at the price of a backward pass. Both are a few lines on top of hooks. What changes
from the book is the data: Fashion-MNIST items are centred on black, and the maps show what tells
the classes apart rather than where the object is. In out/fastai-18/cam-classes.png (a model
trained with seed 42): trousers light up along the legs and the gap between them, a bag along its
top edge, an ankle boot at its shaft and heel, and a sneaker above the shoe, in the empty space
where an ankle boot would have its shaft; on that sneaker (cam-two-classes.png) the ankle-boot map
points at its heel. The inner stage (14×14) draws the same places with sharper edges.`);
