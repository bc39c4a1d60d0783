// @groundup/data: arrives with issue 4.
export {};
