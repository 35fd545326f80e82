/** The list wire format (card-os/src/profile/lists/), through the card profile's public surface. */
export * from '@onecard/card-os/profile';
