export * from "@groundup/kernels";
export * from "@groundup/tensor";
export * from "@groundup/optim";
