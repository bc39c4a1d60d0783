// The small CNN of the safetensors fixtures, as scripts/fixtures/nn.py defines it in PyTorch
// (there with snake_case attributes: conv_block, head). Keys: conv_block.0.weight, ...,
// conv_block.1.running_mean, conv_block.1.num_batches_tracked, head.1.weight, head.3.bias.
import type { Tensor } from 'groundup';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential } from '@groundup/nn';

export class FixtureNet extends Module<[Tensor], Tensor> {
  convBlock = new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2));
  head = new Sequential(new Flatten(), new Linear(36, 8), new ReLU(), new Linear(8, 3));
  override forward(x: Tensor): Tensor {
    return this.head.call(this.convBlock.call(x));
  }
}
