// @groundup/nn: arrives with issue 4.
export {};
