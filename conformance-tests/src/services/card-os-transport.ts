/** The card-os transports the service smoke tests use, through the package's public surface. */
export { VpcdBridge, PcscClient, PcscError, type VpcdSessionEnd, type PcscCardChannel, type VirtualCard } from '@onecard/card-os';
