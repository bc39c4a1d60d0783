export * from "@groundup/kernels";
