// The demo shop's items: what the catalog serves (gRPC), the events feed reports stock of, and
// the generator and the front ask for by SKU. Each category holds two items or more, so that
// ListItems always streams several messages.
export const ITEMS = [
  { sku: 'book', name: 'Packets in the Cluster', category: 'books', priceCents: 2900, stock: 12 },
  { sku: 'atlas', name: 'Atlas of the Reef', category: 'books', priceCents: 4500, stock: 3 },
  { sku: 'lamp', name: 'Desk lamp', category: 'home', priceCents: 3400, stock: 7 },
  { sku: 'kettle', name: 'Kettle', category: 'home', priceCents: 2500, stock: 20 },
  { sku: 'chair', name: 'Chair', category: 'home', priceCents: 8900, stock: 4 },
  { sku: 'pen', name: 'Fountain pen', category: 'office', priceCents: 1200, stock: 40 },
  { sku: 'notebook', name: 'Notebook', category: 'office', priceCents: 900, stock: 25 },
];

export const SKUS = ITEMS.map((i) => i.sku);
export const CATEGORIES = [...new Set(ITEMS.map((i) => i.category))];
