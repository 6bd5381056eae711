/** src/client: a typed client for the Cinesim service. The public surface, listed explicitly. */
export {
  CinesimClient,
  type CinesimClientOptions,
  type CreateStoryParams,
  type CreateVideoParams,
  type Model,
  type PromptCheck,
  type RequestOptions,
  type Usage,
  type Variant,
  type Video,
  type VideoList,
  type WaitOptions,
} from './client.ts';
export { readEvents, type ServerEvent } from './sse.ts';
export { generateOnServer, serverModel, videoFailure, type RemoteGenerateOptions, type RemoteGenerateResult } from './remote-generate.ts';
