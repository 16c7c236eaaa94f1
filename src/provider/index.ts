/**
 * `edge provide` as a library. `startProvider` runs one provider in this process;
 * `startLocalProviders` (src/services/provide/local.ts) starts N background providers for edge dev.
 * See README.md in this directory.
 */
export {startProvider, type ProviderHandle, type StartProviderOptions} from './provider.js'
export {EventHub, type ProviderEvent, type ProviderEventType} from './events.js'
export {
  type ProviderConfig,
  loadProviderConfig,
  saveProviderConfig,
  validateProviderConfig,
  configPath,
} from './config/provider-config.js'
export {providerAttributes} from './attributes.js'
