// @groundup/optim: arrives with issue 4.
export {};
