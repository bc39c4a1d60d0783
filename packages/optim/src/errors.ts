// The error an optimizer throws for a bad hyperparameter or parameter list.
import { GroundupError } from '@groundup/kernels';

/**
 * A misconfigured optimizer: a negative learning rate, a beta outside [0, 1), a parameter in two
 * groups, a stepper that needs a hyperparameter nobody set. The message names the value and the fix.
 */
export class OptimizerError extends GroundupError {}
