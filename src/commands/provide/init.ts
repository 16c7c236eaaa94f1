import {Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {keyFlag} from '../../flags.js'
import {renderFields} from '../../output/table.js'
import {type InitResult, initProvider, persistentOffer} from '../../services/provide/init.js'
import {openSession} from '../../services/session.js'
import {promptPassword, promptSelect, promptText} from '../../ui/prompts.js'
import {fmtBytes, fmtCpu, fmtStorage} from '../../output/quantities.js'

export default class ProvideInit extends EdgeCommand<typeof ProvideInit, InitResult> {
  static summary = 'Set this machine up as a provider: detect it, price it, write its config and register it on chain.'
  static description =
    'Detects CPU cores, memory, disk and NVIDIA GPUs (model, VRAM, interface), asks in a terminal or takes by flag the public host URI, region, prices in USD per hour and the runtime, writes <data>/provider/<name>/provider.yaml and creates or updates the on-chain provider record with the conventional attributes (host, tier, region, capabilities/…). Running it again updates the config and the record.'
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --host-uri https://provider.example.com:8443 --region eu-central --price-cpu 0.01 --price-gpu rtx4090=0.35 --network mainnet --key provider',
    '<%= config.bin %> <%= command.id %> --name second --runtime process --no-register',
  ]
  static flags = {
    name: Flags.string({description: 'Provider name on this machine (its directory under <data>/provider/).', default: 'default'}),
    key: keyFlag,
    'host-uri': Flags.string({description: 'Public HTTPS address of the gateway, e.g. https://provider.example.com:8443.'}),
    region: Flags.string({description: 'The region attribute (us-west, eu-central, …).'}),
    attribute: Flags.string({description: 'Another attribute, key=value (repeatable).', multiple: true}),
    email: Flags.string({description: 'Contact e-mail published in the provider record.'}),
    website: Flags.string({description: 'Website published in the provider record.'}),
    'price-cpu': Flags.string({description: 'USD per CPU core per hour.'}),
    'price-memory': Flags.string({description: 'USD per GiB of memory per hour.'}),
    'price-storage': Flags.string({description: 'USD per GiB of storage per hour.'}),
    'price-gpu': Flags.string({description: 'USD per GPU per hour by model, model=usd (repeatable; default=usd for other models).', multiple: true}),
    'pricing-command': Flags.string({description: "A bid-price command (Akash's protocol: order JSON on stdin, per-block price on stdout) instead of the table."}),
    runtime: Flags.string({description: 'How workloads run: docker (Docker or Podman API) or process (edge dev only).', options: ['docker', 'process']}),
    socket: Flags.string({description: 'Docker/Podman API socket (found automatically when absent).'}),
    'port-range': Flags.string({description: 'Host ports for forwarded ports, MIN-MAX.'}),
    cpu: Flags.string({description: 'CPU cores to offer (default: all but a reserve for the host).'}),
    memory: Flags.string({description: 'Memory to offer, e.g. 16Gi.'}),
    storage: Flags.string({description: 'Storage to offer, e.g. 200Gi.'}),
    'ingress-domain': Flags.string({description: 'Domain for lease hostnames (<id>.<domain>); localhost on edge dev.'}),
    'ingress-listen': Flags.string({description: 'Address:port of the HTTP ingress.'}),
    deposit: Flags.string({description: "Bid deposit, e.g. 500000uakt (default: the chain's minimum)."}),
    register: Flags.boolean({description: 'Create or update the on-chain provider record.', default: true, allowNo: true}),
  }

  protected async execute(): Promise<InitResult> {
    const session = await openSession(this.flags.network)
    const f = this.flags
    const progress = this.out.progress('init', 'Setting up the provider')
    try {
      const result = await initProvider(session, {
        name: f.name,
        key: f.key,
        hostUri: f['host-uri'],
        region: f.region,
        attributes: f.attribute,
        email: f.email,
        website: f.website,
        priceCpu: f['price-cpu'],
        priceMemory: f['price-memory'],
        priceStorage: f['price-storage'],
        priceGpu: f['price-gpu'],
        pricingCommand: f['pricing-command'],
        runtime: f.runtime as 'docker' | 'process' | undefined,
        socket: f.socket,
        portRange: f['port-range'],
        cpu: f.cpu,
        memory: f.memory,
        storage: f.storage,
        ingressDomain: f['ingress-domain'],
        ingressListen: f['ingress-listen'],
        deposit: f.deposit,
        register: f.register,
        interactive: this.interactive,
        prompts: {text: promptText, select: promptSelect, password: promptPassword},
      })
      progress.succeed(`Provider ${result.name} is set up`)
      return result
    } catch (error) {
      progress.fail()
      throw error
    }
  }

  protected renderText(r: InitResult): string {
    const gpus = r.machine.gpus.length > 0 ? r.machine.gpus.map((g) => `${g.model}${g.ram ? ` ${g.ram}` : ''}${g.interface ? ` ${g.interface}` : ''}`).join(', ') : r.machine.gpuNote ?? 'none'
    const reg = {created: 'registered on chain', updated: 'record updated on chain', unchanged: 'record on chain is current', skipped: 'not registered (--no-register)'}[r.registration.action]
    return [
      `Provider ${r.name} (${r.address}) on ${r.network}: ${reg}.`,
      renderFields([
        ['config', r.configPath],
        ['key', `${r.key}${r.keyCreated ? ' (created)' : ''}`],
        ['host uri', r.hostUri],
        ['machine', `${r.machine.cpuCores} cores, ${fmtBytes(BigInt(r.machine.memoryBytes))} memory, ${fmtBytes(BigInt(r.machine.diskFreeBytes))} disk free`],
        ['gpus', gpus],
        ['offers', `${fmtCpu(BigInt(r.capacity.cpuMillis))} CPU, ${fmtBytes(BigInt(r.capacity.memoryBytes))} memory, ${fmtStorage({ephemeral: BigInt(r.capacity.storageBytes), persistent: persistentOffer(r.capacity)})}`],
        ['prices', `$${r.pricing.cpuCoreHour}/core·h, $${r.pricing.memoryGiBHour}/GiB·h memory, $${r.pricing.storageGiBHour}/GiB·h storage${Object.entries(r.pricing.gpuHour).map(([m, p]) => `, ${m} $${p}/h`).join('')}`],
        ['runtime', r.runtime],
        ['attributes', r.attributes.filter((a) => !a.key.startsWith('capabilities/gpu/vendor')).map((a) => `${a.key}=${a.value}`).join(', ')],
      ]),
      `Start it with: edge provide start${r.name === 'default' ? '' : ` --name ${r.name}`}`,
    ].join('\n')
  }
}
