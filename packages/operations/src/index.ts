// @groundup/operations: arrives with issue 4.
export {};
