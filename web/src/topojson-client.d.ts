// The one function of topojson-client (ISC) the workbench uses: TopoJSON objects to GeoJSON.
declare module 'topojson-client' {
  export interface Geometry {
    type: string;
    coordinates: unknown;
  }
  export interface Feature {
    type: 'Feature';
    id?: string;
    properties: { name?: string };
    geometry: Geometry | null;
  }
  export function feature(topology: unknown, object: unknown): { type: 'FeatureCollection'; features: Feature[] };
}
