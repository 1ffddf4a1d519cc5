//! Starting points for a custom policy (placeholder until the sandbox branch lands).

/// A starting point for a custom policy.
pub struct Template {
    /// Its name in the template list.
    pub name: &'static str,
    /// The code.
    pub code: &'static str,
}

/// The templates, the first the default code.
pub const TEMPLATES: &[Template] = &[Template {
    name: "Tutorial ramp",
    code: "function decide(observation) {\n  const t = observation.elapsed_s;\n  if (t >= 90) return { capacity: 0, reason: 'ramp over' };\n  const capacity = Math.min(4, 1 + Math.floor(t / 10));\n  return { capacity, reason: `ramp step at ${Math.floor(t)} s` };\n}\n",
}];
