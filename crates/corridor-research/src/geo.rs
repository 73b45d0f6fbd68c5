//! The world's land for maps that need no internet: world-atlas's 1:110m land (Natural Earth,
//! shipped in `data/`, see its LICENSE), decoded from TopoJSON into rings of longitude and
//! latitude.

use std::sync::LazyLock;

const LAND: &str = include_str!("../data/land-110m.json");

/// Every ring of the land polygons, as (longitude, latitude) points.
pub fn land_rings() -> &'static [Vec<(f64, f64)>] {
    static RINGS: LazyLock<Vec<Vec<(f64, f64)>>> =
        LazyLock::new(|| decode(LAND).expect("the bundled land topology is valid"));
    &RINGS
}

/// TopoJSON: quantised, delta-encoded arcs shared by polygons; a negative index (`!i`) is arc
/// `i` walked backwards.
fn decode(text: &str) -> Result<Vec<Vec<(f64, f64)>>, String> {
    let topology: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let number = |v: &serde_json::Value| v.as_f64().ok_or("a number expected");
    let transform = &topology["transform"];
    let (sx, sy) = (
        number(&transform["scale"][0])?,
        number(&transform["scale"][1])?,
    );
    let (tx, ty) = (
        number(&transform["translate"][0])?,
        number(&transform["translate"][1])?,
    );
    let arcs: Vec<Vec<(f64, f64)>> = topology["arcs"]
        .as_array()
        .ok_or("no arcs")?
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0.0, 0.0);
            arc.as_array()
                .ok_or("an arc is not a list")?
                .iter()
                .map(|p| {
                    x += number(&p[0])?;
                    y += number(&p[1])?;
                    Ok((x * sx + tx, y * sy + ty))
                })
                .collect::<Result<Vec<_>, &str>>()
        })
        .collect::<Result<_, _>>()?;
    let mut rings = Vec::new();
    for geometry in topology["objects"]["land"]["geometries"]
        .as_array()
        .ok_or("no land geometries")?
    {
        let polygons = match geometry["type"].as_str() {
            Some("MultiPolygon") => geometry["arcs"].as_array().cloned().unwrap_or_default(),
            Some("Polygon") => vec![geometry["arcs"].clone()],
            _ => continue,
        };
        for polygon in polygons {
            for ring in polygon.as_array().ok_or("a polygon is not a list")? {
                let mut points = Vec::new();
                for index in ring.as_array().ok_or("a ring is not a list")? {
                    let i = index.as_i64().ok_or("an arc index is not a number")?;
                    let (arc, backwards) = if i < 0 {
                        (arcs.get(!i as usize), true)
                    } else {
                        (arcs.get(i as usize), false)
                    };
                    let arc = arc.ok_or("an arc index out of range")?;
                    let mut walk: Vec<(f64, f64)> = arc.clone();
                    if backwards {
                        walk.reverse();
                    }
                    // Consecutive arcs share their end point.
                    if !points.is_empty() {
                        walk.remove(0);
                    }
                    points.extend(walk);
                }
                rings.push(points);
            }
        }
    }
    Ok(rings)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_land_decodes_into_closed_rings_on_the_globe() {
        let rings = super::land_rings();
        assert!(rings.len() > 100, "{} rings", rings.len());
        for ring in rings {
            assert!(ring.len() >= 4);
            let (first, last) = (ring[0], ring[ring.len() - 1]);
            assert!((first.0 - last.0).abs() < 1e-9 && (first.1 - last.1).abs() < 1e-9);
            for &(lon, lat) in ring {
                assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
            }
        }
        // Africa's tip is land at about 20°E, 34°S; a point of the Atlantic is not on any ring's box.
        let near_cape = rings.iter().any(|r| {
            r.iter()
                .any(|&(lon, lat)| (lon - 20.0).abs() < 1.0 && (lat + 34.8).abs() < 1.0)
        });
        assert!(near_cape, "no coastline near the Cape Agulhas");
    }
}
