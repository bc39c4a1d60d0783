// F.interpolate / Upsample against torch 1.13 (scripts/fixtures/vision.py): bilinear with and
// without align_corners (ch18's CAM overlay is 7×7 → image size, bilinear, align_corners false),
// scale factors with PyTorch's 1/scale coordinates, nearest and 1-D linear; forward and input
// gradients; gradcheck in float64; the errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, gradcheck, ones, randn, type Tensor } from 'groundup';
import { F, Upsample } from '@groundup/nn';
import { close, dec, readFixture, type TensorJson } from './helpers/fixtures.ts';

interface Case { name: string; opts: F.InterpolateOptions; input: TensorJson; gradOutput: TensorJson; output: TensorJson; gradInput: TensorJson }
const fx = readFixture<{ interpolate: Case[] }>('vision.json');

const parity = suite('nn: F.interpolate matches torch');
for (const c of fx.interpolate) {
  parity(c.name, () => {
    const x = dec(c.input).requiresGrad_();
    const y = F.interpolate(x, c.opts);
    close(y, c.output, `${c.name}: output`);
    y.backward(dec(c.gradOutput));
    close(x.grad, c.gradInput, `${c.name}: grad input`, 1e-4, 1e-4);
  });
}
parity('Upsample is the layer form, printed as torch prints it', () => {
  const up = new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false });
  const x = randn(1, 2, 3, 3);
  assert.ok(up.call(x).allclose(F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false })));
  assert.is(String(up), "Upsample(scale_factor=2, mode='bilinear', align_corners=False)");
  assert.is(String(new Upsample({ size: [4, 5] })), "Upsample(size=(4, 5), mode='nearest')");
});
parity.run();

const props = suite('nn: F.interpolate properties, gradcheck and errors');
const gen = new Generator(5);
const R = (...shape: number[]): Tensor => randn(shape, { dtype: 'float64', generator: gen }).requiresGrad_();
props('gradcheck: bilinear up and down, align corners, nearest, linear', () => {
  assert.ok(gradcheck((x) => F.interpolate(x, { size: [7, 5], mode: 'bilinear' }), [R(1, 2, 3, 4)]));
  assert.ok(gradcheck((x) => F.interpolate(x, { size: [2, 3], mode: 'bilinear', alignCorners: true }), [R(2, 1, 5, 4)]));
  assert.ok(gradcheck((x) => F.interpolate(x, { scaleFactor: 2 }), [R(1, 1, 3, 2)]));
  assert.ok(gradcheck((x) => F.interpolate(x, { size: 9, mode: 'linear' }), [R(2, 2, 4)]));
});
props('a constant image stays constant; size = input size is the identity (align corners or not)', () => {
  const c = ones(1, 1, 4, 6).mul(3);
  assert.ok(F.interpolate(c, { size: [11, 9], mode: 'bilinear' }).sub(3).abs().max().item() < 1e-6);
  const x = randn(2, 3, 5, 4);
  assert.ok(F.interpolate(x, { size: [5, 4], mode: 'bilinear' }).allclose(x));
  assert.ok(F.interpolate(x, { size: [5, 4], mode: 'bilinear', alignCorners: true }).allclose(x));
  assert.ok(F.interpolate(x, { size: [5, 4] }).allclose(x));
});
props('errors name the problem and the fix', () => {
  const x = randn(1, 1, 4, 4);
  assert.throws(() => F.interpolate(x, { mode: 'bilinear' }), /exactly one of size and scaleFactor, got neither/);
  assert.throws(() => F.interpolate(x, { size: 8, scaleFactor: 2 }), /got both/);
  assert.throws(() => F.interpolate(x, { size: 8, alignCorners: true }), /alignCorners can only be set/);
  assert.throws(() => F.interpolate(randn(1, 1, 4), { size: 8, mode: 'bilinear' }), /needs a 4-D input.*use mode 'linear'/);
  assert.throws(() => F.interpolate(x, { size: 8, mode: 'linear' }), /needs a 3-D input.*use mode 'bilinear'/);
  assert.throws(() => F.interpolate(x, { size: [8, 8, 8], mode: 'bilinear' }), /size has 3 value\(s\) but the input has 2/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 0.1 }), /output size must be positive/);
  assert.throws(() => F.interpolate(x, { size: 8, mode: 'bicubic' as F.InterpolateMode }), /mode 'bicubic' is not supported/);
  assert.throws(() => F.interpolate(randn(4, 4), { size: 8 }), /expects \[N,C,L\] or \[N,C,H,W\]/);
});
props.run();
