// The Boston preprocessing of Weidman ch2–3: StandardScaler fitted on all 506 rows (population
// std), then sklearn's train_test_split(test_size=0.3, random_state=80718), which is
// RandomState(80718).permutation(506) with the first 152 rows as the test set.
import { boston, RandomState, tensor, type Tensor } from 'groundup';

export interface BostonSplit { XTrain: Tensor; XTest: Tensor; yTrain: Tensor; yTest: Tensor; featureNames: string[] }

export function bostonSplit(): BostonSplit {
  const { data, target, featureNames } = boston();
  const X = data.sub(data.mean(0)).div(data.std(0, false));
  const perm = Array.from(new RandomState(80718).permutation(506).data);
  const test = tensor(perm.slice(0, 152), { dtype: 'int32' }), train = tensor(perm.slice(152), { dtype: 'int32' });
  return {
    XTrain: X.indexSelect(0, train), XTest: X.indexSelect(0, test),
    yTrain: target.indexSelect(0, train).view(-1, 1), yTest: target.indexSelect(0, test).view(-1, 1),
    featureNames,
  };
}
