//! Starting points for a custom policy: commented JavaScript a person picks, reads and
//! changes, each a `function decide(observation)` (see `worker/policy.js` for where it runs).
//!
//! Why here, as text: a template is only a value the **Policy code** field starts from, so
//! it belongs with the settings; the page offers them by [`Template::name`]. Each one uses
//! only what the observation documents (below), so each runs as it is.
//!
//! The observation: `elapsed_s`, `desired`, `running`, `pending`, `failed`, `terminating`
//! (numbers), `metric` and `metric_age_s` (a number, or null without a metric),
//! `instances` (`[{id, cloud, state, since_s}]`, state one of `requested`, `starting`,
//! `running`, `failed`, `terminating`, `terminated`, `other`), `clouds` (`[{name, max}]`)
//! and `memory` (what the previous decision returned as `memory`, `{}` at first). The
//! result: `{capacity, reason, memory?, replace?}`, `replace` listing instance ids.

/// One starting point for the **Policy code** field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template {
    /// What the page calls it.
    pub name: &'static str,
    /// The JavaScript.
    pub code: &'static str,
}

/// The templates, in the order the page offers them.
pub const TEMPLATES: &[Template] = &[
    Template {
        name: "Tutorial ramp",
        code: TUTORIAL_RAMP,
    },
    Template {
        name: "Follow a queue length",
        code: FOLLOW_A_QUEUE,
    },
    Template {
        name: "Keep healthy",
        code: KEEP_HEALTHY,
    },
];

const TUTORIAL_RAMP: &str = r#"// Tutorial ramp: one more VM every 10 seconds up to 4, then back to 0.
//
// decide() runs every "Decide every" seconds. It gets what the domain looks
// like now (the observation) and returns the capacity it wants, with a reason
// for the log. The engine's rails (minimum, maximum, cooldowns) still apply.
function decide(observation) {
  const t = observation.elapsed_s; // seconds since the run started

  if (t >= 90) {
    return { capacity: 0, reason: 'the ramp is over after 90 s: back to 0' };
  }

  // 0-9 s: 1 VM, 10-19 s: 2, 20-29 s: 3, from 30 s on: 4.
  const capacity = Math.min(4, Math.floor(t / 10) + 1);
  return { capacity, reason: `ramp step ${capacity} at ${Math.round(t)} s` };
}
"#;

const FOLLOW_A_QUEUE: &str = r#"// Follow a queue length: one VM for every 10 items waiting.
//
// observation.metric is the latest value read from the metric (here: the
// queue length), observation.metric_age_s how old it is; both are null when
// there is no metric yet.
const ITEMS_PER_VM = 10;
const OLDEST_METRIC_S = 60;

function decide(observation) {
  if (observation.metric === null) {
    // Nothing to go by: keep what the domain has.
    return { capacity: observation.desired, reason: 'no metric' };
  }
  if (observation.metric_age_s !== null && observation.metric_age_s > OLDEST_METRIC_S) {
    return {
      capacity: observation.desired,
      reason: `metric is ${Math.round(observation.metric_age_s)} s old`,
    };
  }

  const queue = Math.max(0, observation.metric);
  const capacity = Math.ceil(queue / ITEMS_PER_VM);
  return { capacity, reason: `queue of ${queue}: ${capacity} VM(s)` };
}
"#;

const KEEP_HEALTHY: &str = r#"// Keep healthy: always 2 VMs, and replace every VM that failed.
//
// Each VM in observation.instances has an id, its cloud, its state
// ('requested', 'starting', 'running', 'failed', 'terminating', 'terminated'
// or 'other') and since_s, the seconds it has been in that state.
// memory is whatever the previous decision returned as memory ({} at first):
// here it counts the replacements.
const CAPACITY = 2;

function decide(observation) {
  const failed = observation.instances
    .filter((vm) => vm.state === 'failed')
    .map((vm) => vm.id);
  const replaced = (observation.memory.replaced || 0) + failed.length;

  const reason = failed.length > 0
    ? `replacing ${failed.join(', ')} (${replaced} so far)`
    : `${observation.running} of ${CAPACITY} running, none failed`;
  return { capacity: CAPACITY, reason, replace: failed, memory: { replaced } };
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_code_defining_decide() {
        assert_eq!(TEMPLATES.len(), 3);
        for template in TEMPLATES {
            assert!(!template.name.trim().is_empty());
            assert!(!template.code.trim().is_empty(), "{}", template.name);
            assert!(
                template.code.contains("function decide(observation)"),
                "{} defines no decide",
                template.name
            );
        }
    }

    #[test]
    fn template_names_are_the_ones_offered_and_distinct() {
        let names: Vec<_> = TEMPLATES.iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            ["Tutorial ramp", "Follow a queue length", "Keep healthy"]
        );
    }
}
