// F.embedding: tensor's embedding op (a gather forward, a scatter-add backward, in @groundup/tensor).
export { embedding, type EmbeddingOptions } from '@groundup/tensor';
