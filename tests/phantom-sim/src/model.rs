//! The simulated Phantom state (DTRS launch configurations, EPUM domains
//! and their VMs) and the decision engines, evaluated lazily from
//! timestamps so every answer is a deterministic function of the requests
//! and their arrival times.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

pub const STATE_REQUESTED: &str = "200-REQUESTED";
pub const STATE_PENDING: &str = "400-PENDING";
pub const STATE_RUNNING: &str = "600-RUNNING";
pub const STATE_TERMINATING: &str = "800-TERMINATING";
pub const STATE_FAILED: &str = "850-FAILED";
pub const STATE_TERMINATED: &str = "900-TERMINATED";

/// Time-related knobs of the simulation (milliseconds).
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub boot_ms: i64,
    pub terminate_ms: i64,
    pub linger_ms: i64,
    /// `--cloud-capacity NAME=N`; clouds not listed are unlimited.
    pub cloud_capacity: BTreeMap<String, i64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct State {
    /// DTRS deployable types by name (the part before `@`).
    pub launch_configurations: BTreeMap<String, LaunchConfig>,
    pub domains: BTreeMap<String, Domain>,
    /// VMs of deleted domains, still terminating (they hold capacity).
    pub detached_instances: Vec<Instance>,
    pub next_instance_seq: u64,
    /// Time (ms) up to which engine decisions have been made.
    pub engine_cursor_ms: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct LaunchConfig {
    /// Contextualization user data, stored once per deployable type (as
    /// pyhantom does), kept as canonical base64 of the decoded bytes.
    pub user_data: Option<String>,
    /// Per-cloud mappings by cloud (site) name.
    pub clouds: BTreeMap<String, CloudMapping>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct CloudMapping {
    pub image_id: String,
    pub instance_type: String,
    /// What every VM is launched with.
    pub key_name: String,
    /// The KeyName the client sent (stored, never used).
    pub requested_key_name: Option<String>,
    pub kernel_id: Option<String>,
    pub ramdisk_id: Option<String>,
    pub security_groups: Vec<String>,
    pub block_device_mappings: Vec<BTreeMap<String, String>>,
    pub created_time: String,
    pub arn: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Tag {
    pub key: String,
    pub value: String,
    pub resource_id: String,
    pub resource_type: String,
    pub propagate_at_launch: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Domain {
    pub name: String,
    /// PHANTOM_DEFINITION at create.
    pub definition: String,
    /// LaunchConfigurationName as sent.
    pub launch_configuration_name: String,
    /// Deployable type (the part before `@`).
    pub dt_name: String,
    pub min_size: i64,
    pub max_size: i64,
    /// DesiredCapacity sent at create (ignored, as Phantom does).
    pub desired_capacity_param: Option<i64>,
    pub availability_zones: Vec<String>,
    /// Every tag received (create, then CreateOrUpdateTags replacing by key).
    pub tags: Vec<Tag>,
    /// EPUM `engine_conf` as pyhantom builds and merges it.
    pub engine_conf: Map<String, Value>,
    pub created_time: String,
    pub arn: String,
    pub engine: Engine,
    pub instances: Vec<Instance>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub struct Engine {
    pub initialized: bool,
    pub sites: Vec<EngineSite>,
    pub minimum_vms: i64,
    pub maximum_vms: i64,
    pub cooldown_period: i64,
    pub last_scale_action_ms: Option<i64>,
    /// sensor_engine: the one site it launches on.
    pub iaas_site: Option<String>,
    /// Why the last initialize/reconfigure was refused, if it was.
    pub last_error: Option<String>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            initialized: false,
            sites: Vec::new(),
            minimum_vms: 0,
            maximum_vms: i64::MAX,
            cooldown_period: 0,
            last_scale_action_ms: None,
            iaas_site: None,
            last_error: None,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct EngineSite {
    pub site_name: String,
    pub max_vms: i64,
    pub rank: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Instance {
    pub seq: u64,
    /// The cloud's id (shown once the VM reaches 400-PENDING).
    pub instance_id: String,
    pub domain: String,
    pub cloud: String,
    pub dt_name: String,
    pub requested_ms: i64,
    pub pending_ms: i64,
    pub running_ms: i64,
    pub terminate_ms: Option<i64>,
    pub terminated_ms: Option<i64>,
    pub gone_ms: Option<i64>,
    /// When the VM was made to fail (`POST /__sim/fail` or `--vm-failure-rate`): from
    /// then on it is `850-FAILED` until it is terminated. Absent in state files written
    /// before failures existed, hence `serde(default)` (on the struct).
    pub failed_ms: Option<i64>,
}

impl Instance {
    /// EPU lifecycle state at `t`, or None once it is gone.
    pub fn state_at(&self, t: i64) -> Option<&'static str> {
        if self.gone_ms.is_some_and(|g| t >= g) {
            return None;
        }
        if self.terminated_ms.is_some_and(|x| t >= x) {
            return Some(STATE_TERMINATED);
        }
        if self.terminate_ms.is_some_and(|x| t >= x) {
            return Some(STATE_TERMINATING);
        }
        if self.failed_ms.is_some_and(|x| t >= x) {
            return Some(STATE_FAILED);
        }
        Some(if t >= self.running_ms {
            STATE_RUNNING
        } else if t >= self.pending_ms {
            STATE_PENDING
        } else {
            STATE_REQUESTED
        })
    }

    /// The IaaS id, known once the VM reached PENDING.
    pub fn iaas_id_at(&self, t: i64) -> Option<&str> {
        let reached_pending =
            t >= self.pending_ms && self.terminate_ms.is_none_or(|x| x >= self.pending_ms);
        reached_pending.then_some(self.instance_id.as_str())
    }

    /// Counted by the engines: not asked to terminate. A failed VM still counts, so
    /// the engine does not replace it by itself: see `failures.rs` for why.
    pub fn healthy(&self) -> bool {
        self.terminate_ms.is_none()
    }

    /// `850-FAILED` at `t` (and not terminating).
    pub fn failed_at(&self, t: i64) -> bool {
        self.state_at(t) == Some(STATE_FAILED)
    }

    /// Holds a slot of its cloud at `t` (launched and not yet terminated).
    pub fn occupies(&self, t: i64) -> bool {
        self.requested_ms <= t && self.terminated_ms.is_none_or(|x| x > t)
    }

    pub fn terminate(&mut self, t: i64, cfg: &SimConfig) {
        if self.terminate_ms.is_none() {
            self.terminate_ms = Some(t);
            self.terminated_ms = Some(t + cfg.terminate_ms);
            self.gone_ms = Some(t + cfg.terminate_ms + cfg.linger_ms);
        }
    }
}

/// `HealthStatus` from a state: code ≤ 600 is Healthy.
pub fn health_of(state: &str) -> &'static str {
    match state.split('-').next().and_then(|c| c.parse::<i64>().ok()) {
        Some(c) if c <= 600 => "Healthy",
        _ => "Unhealthy",
    }
}

/// Python `int()` of a string: surrounding whitespace, optional sign,
/// decimal digits.
pub fn py_int(s: &str) -> Result<i64, String> {
    let err = || format!("invalid literal for int() with base 10: '{s}'");
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err());
    }
    t.parse::<i64>().map_err(|_| err())
}

/// Python `float()` of a string.
pub fn py_float(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let ok = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    match t.parse::<f64>() {
        Ok(v) if ok => Ok(v),
        _ => Err(format!("could not convert string to float: {s}")),
    }
}

fn json_int(v: Option<&Value>) -> Result<Option<i64>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| "bad number".to_string()),
        Some(Value::String(s)) => py_int(s).map(Some),
        Some(other) => Err(format!(
            "int() argument must be a string or a number: {other}"
        )),
    }
}

/// `_cloud_list_validate` + parse: site_name, size (int), rank (int).
fn parse_clouds(v: &Value) -> Result<Vec<EngineSite>, String> {
    let Value::Array(list) = v else {
        return Err("clouds must be a list".into());
    };
    let mut out = Vec::new();
    for c in list {
        let site_name = c
            .get("site_name")
            .and_then(Value::as_str)
            .ok_or("The configuration needs the key site_name for all clouds")?;
        let size = json_int(c.get("size"))?
            .ok_or("The configuration needs the key size for all clouds")?;
        let rank = json_int(c.get("rank"))?
            .ok_or("The configuration needs the key rank for all clouds")?;
        out.push(EngineSite {
            site_name: site_name.to_string(),
            max_vms: size,
            rank,
        });
    }
    Ok(out)
}

impl Engine {
    /// `PhantomMultiSiteOverflowEngine.initialize`.
    fn initialize_overflow(&mut self, conf: &Map<String, Value>) -> Result<(), String> {
        if conf.contains_key("domain_desired_size") {
            return Err(
                "'domain_desired_size' should no longer be used. Please use 'minimum_vms'".into(),
            );
        }
        for f in ["clouds", "minimum_vms", "dtname"] {
            if !conf.contains_key(f) {
                return Err(format!("The configuration requires the key {f}"));
            }
        }
        let mut clouds = parse_clouds(&conf["clouds"])?;
        clouds.sort_by_key(|c| c.rank);
        for (i, c) in clouds.iter().enumerate() {
            if c.rank != i as i64 + 1 {
                return Err(format!(
                    "The cloud rank is out of order.  No {} found",
                    i + 1
                ));
            }
        }
        let mut fresh = Engine {
            sites: clouds,
            initialized: true,
            ..Engine::default()
        };
        fresh.reconfigure_overflow(conf)?;
        *self = fresh;
        Ok(())
    }

    /// `PhantomMultiSiteOverflowEngine.reconfigure` with the merged conf.
    /// Steps apply in order; an error stops there (earlier steps stay).
    fn reconfigure_overflow(&mut self, conf: &Map<String, Value>) -> Result<(), String> {
        let clouds = conf.get("clouds").ok_or("'clouds'")?;
        let clouds = parse_clouds(clouds)?;
        self.merge_cloud_lists(&clouds)?;
        if let Some(dt) = conf.get("dtname") {
            if dt.as_str().is_none_or(str::is_empty) {
                return Err("cannot have empty dtname conf".into());
            }
        }
        for (key, slot) in [
            ("minimum_vms", &mut self.minimum_vms),
            ("maximum_vms", &mut self.maximum_vms),
            ("cooldown_period", &mut self.cooldown_period),
        ] {
            if let Some(n) = json_int(conf.get(key))? {
                if n < 0 {
                    return Err(format!("cannot have negative {key} conf: {n}"));
                }
                *slot = n;
            }
        }
        Ok(())
    }

    /// `_merge_cloud_lists`: named sites get the new rank and size, new
    /// sites are added, sites not named stay; ranks must stay 1..n.
    fn merge_cloud_lists(&mut self, clouds: &[EngineSite]) -> Result<(), String> {
        let mut merged: Vec<EngineSite> = self.sites.clone();
        for c in clouds {
            if let Some(s) = merged.iter_mut().find(|s| s.site_name == c.site_name) {
                s.rank = c.rank;
                s.max_vms = c.max_vms;
            } else {
                if merged.iter().any(|s| s.rank == c.rank) {
                    return Err(format!("There is already a site at rank {}", c.rank));
                }
                merged.push(c.clone());
            }
        }
        merged.sort_by_key(|s| s.rank);
        for (i, s) in merged.iter().enumerate() {
            if s.rank != i as i64 + 1 {
                return Err("The order is not preserved in the multi site engine update".into());
            }
        }
        self.sites = merged;
        Ok(())
    }

    /// `SensorEngine._set_conf` (the parts that matter without sensors).
    fn configure_sensor(&mut self, conf: &Map<String, Value>) -> Result<(), String> {
        if !self.initialized {
            self.maximum_vms = 0;
        }
        for (key, slot) in [
            ("minimum_vms", &mut self.minimum_vms),
            ("maximum_vms", &mut self.maximum_vms),
            ("cooldown_period", &mut self.cooldown_period),
        ] {
            if let Some(n) = json_int(conf.get(key))? {
                if n < 0 {
                    return Err(format!("cannot have negative {key} conf: {n}"));
                }
                *slot = n;
            }
        }
        if let Some(site) = conf.get("iaas_site").and_then(Value::as_str) {
            self.iaas_site = Some(site.to_string());
        }
        self.initialized = true;
        Ok(())
    }
}

impl Domain {
    /// Hand the merged engine conf to the domain's engine (EPUM's decider
    /// does this after every reconfigure_domain).
    pub fn apply_engine_conf(&mut self) {
        let conf = self.engine_conf.clone();
        let result = match self.definition.as_str() {
            "error_overflow_n_preserving" => {
                if self.engine.initialized {
                    self.engine.reconfigure_overflow(&conf)
                } else {
                    self.engine.initialize_overflow(&conf)
                }
            }
            "sensor_engine" => self.engine.configure_sensor(&conf),
            // single_site_n_preserving, multi_site_n_preserving, test: the
            // engine classes they name are not in EPU; nothing runs.
            _ => Err(format!(
                "no decision engine is simulated for {}",
                self.definition
            )),
        };
        self.engine.last_error = result.err();
    }
}

/// Which VM a scale-down terminates first: failed VMs (nobody wants them), then the
/// newest (EPU picks at random; the newest keeps results deterministic).
fn scale_down_order(i: &Instance, t: i64) -> (bool, std::cmp::Reverse<u64>) {
    (!i.failed_at(t), std::cmp::Reverse(i.seq))
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl State {
    fn all_instances(&self) -> impl Iterator<Item = &Instance> {
        self.domains
            .values()
            .flat_map(|d| d.instances.iter())
            .chain(self.detached_instances.iter())
    }

    fn occupancy(&self, t: i64) -> HashMap<String, i64> {
        let mut m = HashMap::new();
        for i in self.all_instances().filter(|i| i.occupies(t)) {
            *m.entry(i.cloud.clone()).or_insert(0) += 1;
        }
        m
    }

    fn has_mapping(&self, dt: &str, site: &str) -> bool {
        self.launch_configurations
            .get(dt)
            .is_some_and(|lc| lc.clouds.contains_key(site))
    }

    fn new_instance(
        &mut self,
        domain: &str,
        cloud: &str,
        dt: &str,
        t: i64,
        cfg: &SimConfig,
    ) -> Instance {
        let seq = self.next_instance_seq;
        self.next_instance_seq += 1;
        let mut salt = seq;
        let id = loop {
            let id = format!("i-{:08x}", splitmix64(salt) & 0xffff_ffff);
            if !self.all_instances().any(|i| i.instance_id == id) {
                break id;
            }
            salt = salt.wrapping_add(1 << 32);
        };
        Instance {
            seq,
            instance_id: id,
            domain: domain.to_string(),
            cloud: cloud.to_string(),
            dt_name: dt.to_string(),
            requested_ms: t,
            pending_ms: t + cfg.boot_ms / 5,
            running_ms: t + cfg.boot_ms,
            terminate_ms: None,
            terminated_ms: None,
            gone_ms: None,
            failed_ms: None,
        }
    }

    /// Bring the simulation up to `now`: run the engines at every moment a
    /// VM finished terminating (capacity freed) or a cooldown ended, then
    /// at `now`, and drop VMs that are gone. Returns whether anything
    /// persistent changed.
    pub fn advance(&mut self, now: i64, cfg: &SimConfig) -> bool {
        let before = self.clone();
        let mut guard = 0;
        loop {
            let cursor = self.engine_cursor_ms;
            let next = self
                .all_instances()
                .filter_map(|i| i.terminated_ms)
                .chain(self.domains.values().filter_map(|d| {
                    let e = &d.engine;
                    e.last_scale_action_ms
                        .filter(|_| e.cooldown_period > 0)
                        .map(|t| t.saturating_add(e.cooldown_period.saturating_mul(1000)))
                }))
                .filter(|&t| t > cursor && t <= now)
                .min();
            let Some(t) = next else { break };
            self.engine_cursor_ms = t;
            self.decide_all(t, cfg);
            guard += 1;
            if guard > 100_000 {
                break;
            }
        }
        self.engine_cursor_ms = self.engine_cursor_ms.max(now);
        self.decide_all(now, cfg);
        for d in self.domains.values_mut() {
            d.instances.retain(|i| i.state_at(now).is_some());
        }
        self.detached_instances
            .retain(|i| i.state_at(now).is_some());
        let mut unchanged = before;
        unchanged.engine_cursor_ms = self.engine_cursor_ms;
        unchanged != *self
    }

    /// One decision round for every domain at time `t`.
    pub fn decide_all(&mut self, t: i64, cfg: &SimConfig) {
        let names: Vec<String> = self.domains.keys().cloned().collect();
        for n in names {
            self.decide(&n, t, cfg);
        }
    }

    fn free_capacity(&self, cloud: &str, occupancy: &HashMap<String, i64>, cfg: &SimConfig) -> i64 {
        match cfg.cloud_capacity.get(cloud) {
            Some(cap) => (cap - occupancy.get(cloud).copied().unwrap_or(0)).max(0),
            None => i64::MAX,
        }
    }

    fn decide(&mut self, name: &str, t: i64, cfg: &SimConfig) {
        let Some(d) = self.domains.get(name) else {
            return;
        };
        if !d.engine.initialized {
            return;
        }
        match d.definition.as_str() {
            "error_overflow_n_preserving" => self.decide_overflow(name, t, cfg),
            "sensor_engine" => self.decide_sensor(name, t, cfg),
            _ => {}
        }
    }

    /// `PhantomMultiSiteOverflowEngine.decide` without sensors: keep the
    /// healthy count within [minimum_vms, maximum_vms], filling sites in
    /// rank order up to each site's size (-1 = unlimited) and the cloud's
    /// simulated capacity; shrink from the lowest-ranked site. Within a
    /// site a failed VM goes first, then the newest (EPU picks at random).
    fn decide_overflow(&mut self, name: &str, t: i64, cfg: &SimConfig) {
        let occupancy = self.occupancy(t);
        let d = &self.domains[name];
        let e = &d.engine;
        let healthy: Vec<Vec<usize>> = e
            .sites
            .iter()
            .map(|s| {
                d.instances
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.healthy() && i.cloud == s.site_name)
                    .map(|(k, _)| k)
                    .collect()
            })
            .collect();
        let total: i64 = healthy.iter().map(|h| h.len() as i64).sum();
        let mut deltas = vec![0i64; e.sites.len()];
        let mut excess = 0;
        for (k, s) in e.sites.iter().enumerate() {
            let c = healthy[k].len() as i64;
            if c > s.max_vms && s.max_vms >= 0 {
                deltas[k] -= c - s.max_vms;
                excess += c - s.max_vms;
            }
        }
        let delta = if excess > 0 {
            e.minimum_vms - (total - excess)
        } else {
            if e.cooldown_period > 0 {
                if let Some(last) = e.last_scale_action_ms {
                    if t - last < e.cooldown_period.saturating_mul(1000) {
                        return;
                    }
                }
            }
            let wanted = total.max(e.minimum_vms).min(e.maximum_vms);
            wanted - total
        };
        if delta >= 0 {
            let mut left = delta;
            for (k, s) in e.sites.iter().enumerate() {
                if left <= 0 {
                    break;
                }
                let c = healthy[k].len() as i64;
                let mut available = if s.max_vms == -1 { left } else { s.max_vms - c };
                // Simulation: a full cloud, or one the launch configuration
                // has no mapping for, takes nothing (EPU would see launches
                // fail and eventually treat the cloud as full).
                available = available.min(self.free_capacity(&s.site_name, &occupancy, cfg));
                if !self.has_mapping(&d.dt_name, &s.site_name) {
                    available = 0;
                }
                if available > 0 {
                    let add = available.min(left);
                    deltas[k] += add;
                    left -= add;
                }
            }
        } else {
            let mut left = -delta;
            for k in (0..e.sites.len()).rev() {
                if left <= 0 {
                    break;
                }
                let kill = (healthy[k].len() as i64).min(left);
                deltas[k] -= kill;
                left -= kill;
            }
        }
        let sites: Vec<String> = e.sites.iter().map(|s| s.site_name.clone()).collect();
        let dt = d.dt_name.clone();
        let mut to_kill: Vec<usize> = Vec::new();
        let mut to_launch: Vec<(String, i64)> = Vec::new();
        for (k, site) in sites.iter().enumerate() {
            if deltas[k] < 0 {
                let n = (-deltas[k]).min(healthy[k].len() as i64) as usize;
                let mut idx = healthy[k].clone();
                idx.sort_by_key(|&i| scale_down_order(&d.instances[i], t));
                to_kill.extend(idx.into_iter().take(n));
            } else if deltas[k] > 0 {
                to_launch.push((site.clone(), deltas[k]));
            }
        }
        let mut launched = Vec::new();
        for (site, n) in to_launch {
            for _ in 0..n {
                launched.push(self.new_instance(name, &site, &dt, t, cfg));
            }
        }
        let d = self.domains.get_mut(name).expect("domain exists");
        if delta != 0 {
            d.engine.last_scale_action_ms = Some(t);
        }
        for k in to_kill {
            d.instances[k].terminate(t, cfg);
        }
        d.instances.extend(launched);
    }

    /// `SensorEngine.decide` without sensor data: target is
    /// max(min(maximum_vms, current), minimum_vms) on the configured site.
    fn decide_sensor(&mut self, name: &str, t: i64, cfg: &SimConfig) {
        let occupancy = self.occupancy(t);
        let d = &self.domains[name];
        let e = &d.engine;
        if e.cooldown_period > 0 {
            if let Some(last) = e.last_scale_action_ms {
                if t - last < e.cooldown_period.saturating_mul(1000) {
                    return;
                }
            }
        }
        let mut valid: Vec<usize> = (0..d.instances.len())
            .filter(|&k| d.instances[k].healthy())
            .collect();
        let count = valid.len() as i64;
        let target = e.maximum_vms.min(count).max(e.minimum_vms);
        let site = e.iaas_site.clone().unwrap_or_default();
        let dt = d.dt_name.clone();
        if count < target {
            let mut n = target - count;
            n = n.min(self.free_capacity(&site, &occupancy, cfg));
            if site.is_empty() || !self.has_mapping(&dt, &site) {
                n = 0;
            }
            let launched: Vec<Instance> = (0..n)
                .map(|_| self.new_instance(name, &site, &dt, t, cfg))
                .collect();
            let d = self.domains.get_mut(name).expect("domain exists");
            d.instances.extend(launched);
        } else if count > target {
            valid.sort_by_key(|&k| scale_down_order(&d.instances[k], t));
            let n = (count - target) as usize;
            let d = self.domains.get_mut(name).expect("domain exists");
            for k in valid.into_iter().take(n) {
                d.instances[k].terminate(t, cfg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> SimConfig {
        SimConfig {
            boot_ms: 1000,
            terminate_ms: 100,
            linger_ms: 100,
            cloud_capacity: BTreeMap::new(),
        }
    }

    fn overflow_domain(clouds: &[(&str, i64)], min: i64) -> Domain {
        let mut conf = Map::new();
        conf.insert(
            "clouds".into(),
            Value::Array(
                clouds
                    .iter()
                    .enumerate()
                    .map(|(k, (n, s))| serde_json::json!({"site_name": n, "size": s.to_string(), "rank": k + 1}))
                    .collect(),
            ),
        );
        conf.insert("minimum_vms".into(), Value::from(min));
        conf.insert("maximum_vms".into(), Value::from(min));
        conf.insert("dtname".into(), Value::from("lc"));
        let mut d = Domain {
            name: "d".into(),
            definition: "error_overflow_n_preserving".into(),
            dt_name: "lc".into(),
            engine_conf: conf,
            ..Domain::default()
        };
        d.apply_engine_conf();
        d
    }

    fn state_with(d: Domain, sites: &[&str]) -> State {
        let mut s = State::default();
        let mut lc = LaunchConfig::default();
        for site in sites {
            lc.clouds.insert(site.to_string(), CloudMapping::default());
        }
        s.launch_configurations.insert("lc".into(), lc);
        s.domains.insert(d.name.clone(), d);
        s
    }

    fn per_cloud(s: &State) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for i in s.domains["d"].instances.iter().filter(|i| i.healthy()) {
            *m.entry(i.cloud.clone()).or_insert(0) += 1;
        }
        m
    }

    #[test]
    fn fills_in_rank_order_and_respects_capacity() {
        let mut s = state_with(
            overflow_domain(&[("hotel", 4), ("sierra", 4)], 5),
            &["hotel", "sierra"],
        );
        s.advance(0, &cfg());
        assert_eq!(
            per_cloud(&s),
            BTreeMap::from([("hotel".into(), 4), ("sierra".into(), 1)])
        );

        let mut c = cfg();
        c.cloud_capacity.insert("hotel".into(), 2);
        let mut s = state_with(
            overflow_domain(&[("hotel", 4), ("sierra", 4)], 4),
            &["hotel", "sierra"],
        );
        s.advance(0, &c);
        assert_eq!(
            per_cloud(&s),
            BTreeMap::from([("hotel".into(), 2), ("sierra".into(), 2)])
        );
    }

    #[test]
    fn lifecycle_and_scale_down_lowest_rank_first() {
        let mut s = state_with(
            overflow_domain(&[("hotel", 2), ("sierra", 4)], 4),
            &["hotel", "sierra"],
        );
        s.advance(0, &cfg());
        let i = &s.domains["d"].instances[0];
        assert_eq!(i.state_at(0), Some(STATE_REQUESTED));
        assert_eq!(i.iaas_id_at(0), None);
        assert_eq!(i.state_at(200), Some(STATE_PENDING));
        assert!(i.iaas_id_at(200).is_some());
        assert_eq!(i.state_at(1000), Some(STATE_RUNNING));

        let d = s.domains.get_mut("d").unwrap();
        d.engine_conf.insert("minimum_vms".into(), Value::from(1));
        d.engine_conf.insert("maximum_vms".into(), Value::from(1));
        d.apply_engine_conf();
        s.advance(2000, &cfg());
        assert_eq!(per_cloud(&s), BTreeMap::from([("hotel".into(), 1)]));
        let states: Vec<_> = s.domains["d"]
            .instances
            .iter()
            .map(|i| i.state_at(2050).unwrap())
            .collect();
        assert_eq!(
            states.iter().filter(|s| **s == STATE_TERMINATING).count(),
            3
        );
        s.advance(2150, &cfg());
        assert_eq!(
            s.domains["d"]
                .instances
                .iter()
                .filter(|i| i.state_at(2150) == Some(STATE_TERMINATED))
                .count(),
            3
        );
        s.advance(2300, &cfg());
        assert_eq!(s.domains["d"].instances.len(), 1);
    }

    #[test]
    fn capacity_freed_later_is_used_at_that_moment() {
        let mut c = cfg();
        c.cloud_capacity.insert("hotel".into(), 1);
        let mut s = state_with(overflow_domain(&[("hotel", -1)], 1), &["hotel"]);
        s.advance(0, &c);
        let first = s.domains["d"].instances[0].clone();
        s.domains.get_mut("d").unwrap().instances[0].terminate(10, &c);
        s.advance(10, &c);
        // hotel still full while the first VM terminates.
        assert_eq!(s.domains["d"].instances.len(), 1);
        s.advance(5000, &c);
        let replacement = s.domains["d"]
            .instances
            .iter()
            .find(|i| i.seq != first.seq)
            .unwrap();
        assert_eq!(replacement.requested_ms, 110);
    }

    #[test]
    fn python_numbers() {
        assert_eq!(py_int(" 12 "), Ok(12));
        assert_eq!(py_int("+3"), Ok(3));
        assert!(py_int("1.5").is_err());
        assert_eq!(py_float("1e3"), Ok(1000.0));
        assert!(py_float("nan").unwrap().is_nan());
        assert!(py_float("1_0").is_err());
        assert!(py_float("abc").is_err());
    }
}
