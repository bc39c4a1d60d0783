export * from "@groundup/kernels";
export * from "@groundup/tensor";
