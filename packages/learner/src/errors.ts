// The error a misused Learner throws: a loss that is not one number, a metric that does not
// reduce to one, a callback that needs something the learner lacks. (A checkpoint that is missing
// or corrupt is a SerializationError, as for any weights file.)
import { GroundupError } from '@groundup/kernels';

export class LearnerError extends GroundupError {}
