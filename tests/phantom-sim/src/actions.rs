//! The ten Phantom actions: input rules, state changes and the XML answers
//! shaped like pyhantom's (element names and the order Python 2's dicts
//! gave them, ResponseMetadata before the Result, empty values as empty
//! elements).

use crate::clock::{describe_time, make_time_us};
use crate::errors::PhantomError;
use crate::input::{decode, Input, ListTy, Spec, Ty};
use crate::model::{
    health_of, py_float, py_int, CloudMapping, Domain, Engine, SimConfig, State, Tag,
};
use crate::params::Params;
use crate::xml::Elem;
use base64::Engine as _;
use serde_json::{json, Map, Value};

pub const NS: &str = "http://autoscaling.amazonaws.com/doc/2009-05-15/";

pub const ACTIONS: [&str; 10] = [
    "CreateAutoScalingGroup",
    "CreateOrUpdateTags",
    "CreateLaunchConfiguration",
    "DeleteAutoScalingGroup",
    "DeleteLaunchConfiguration",
    "DescribeAutoScalingGroups",
    "DescribeAutoScalingInstances",
    "DescribeLaunchConfigurations",
    "SetDesiredCapacity",
    "TerminateInstanceInAutoScalingGroup",
];

/// Everything an action may touch.
pub struct Ctx<'a> {
    pub state: &'a mut State,
    pub cfg: &'a SimConfig,
    /// Real clock (ms): VM lifecycle.
    pub now_ms: i64,
    /// Server clock (µs, offset applied): CreatedTime.
    pub server_now_us: i64,
    /// This answer's RequestId (also in ARNs, as pyhantom does).
    pub request_id: String,
    pub dirty: bool,
}

const TAG_FIELDS: &[&str] = &[
    "Key",
    "PropagateAtLaunch",
    "ResourceId",
    "ResourceType",
    "Value",
];

pub fn dispatch(action: &str, ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    match action {
        "CreateLaunchConfiguration" => create_launch_configuration(ctx, params),
        "DescribeLaunchConfigurations" => describe_launch_configurations(ctx, params),
        "DeleteLaunchConfiguration" => delete_launch_configuration(ctx, params),
        "CreateAutoScalingGroup" => create_auto_scaling_group(ctx, params),
        "DescribeAutoScalingGroups" => describe_auto_scaling_groups(ctx, params),
        "DeleteAutoScalingGroup" => delete_auto_scaling_group(ctx, params),
        "SetDesiredCapacity" => set_desired_capacity(ctx, params),
        "CreateOrUpdateTags" => create_or_update_tags(ctx, params),
        "DescribeAutoScalingInstances" => describe_auto_scaling_instances(ctx, params),
        "TerminateInstanceInAutoScalingGroup" => terminate_instance(ctx, params),
        _ => Err(PhantomError::not_found(&format!("No action {action}"))),
    }
}

fn doc(root: &str, request_id: &str) -> Elem {
    let mut e = Elem::new(root).attr("xmlns", NS);
    let mut md = Elem::new("ResponseMetadata");
    md.leaf("RequestId", Some(request_id));
    e.push(md);
    e
}

/// Answer of the actions without a result (minidom `toprettyxml`).
fn empty_answer(action: &str, ctx: &Ctx) -> String {
    doc(&format!("{action}Response"), &ctx.request_id).to_pretty_xml()
}

fn arn(name: &str, request_id: &str, kind: &str) -> String {
    format!(
        "arn:phantom:autoscaling:AZ:000000000000:launchConfiguration:{request_id}:{name}/{kind}"
    )
}

fn breakup_name(name: &str) -> Result<(String, String), PhantomError> {
    match name.split_once('@') {
        Some((a, b)) => Ok((a.to_string(), b.to_string())),
        None => Err(PhantomError::aws(
            "InvalidParameterValue",
            &format!(
                "The name {name} is not in the proper format.  It must be <dt name>@<site name>"
            ),
        )),
    }
}

/// Python 2 `base64.b64decode` (binascii.a2b_base64): characters outside
/// the alphabet are skipped; only bad padding is an error.
fn lenient_b64decode(s: &str) -> Option<Vec<u8>> {
    let mut data = String::new();
    let mut pads = 0;
    for c in s.chars() {
        if c == '=' {
            if !data.is_empty() && data.len() % 4 >= 2 {
                pads += 1;
                if (data.len() % 4 == 2 && pads == 2) || (data.len() % 4 == 3 && pads == 1) {
                    break;
                }
            }
        } else if c.is_ascii_alphanumeric() || c == '+' || c == '/' {
            if pads > 0 {
                pads = 0;
            }
            data.push(c);
        }
    }
    match data.len() % 4 {
        0 => {}
        1 => return None,
        2 if pads < 2 => return None,
        3 if pads < 1 => return None,
        _ => {}
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    );
    engine.decode(data.as_bytes()).ok()
}

// ---------------------------------------------------------------- launch configurations

const CREATE_LC: Spec = Spec {
    needed: &[
        ("LaunchConfigurationName", Ty::Str),
        ("InstanceType", Ty::Str),
        ("ImageId", Ty::Str),
    ],
    optional: &[
        ("InstanceMonitoring", Ty::Skip),
        ("KernelId", Ty::Str),
        ("KeyName", Ty::Str),
        ("RamdiskId", Ty::Str),
        ("UserData", Ty::Str),
    ],
    needed_lists: &[],
    optional_lists: &[
        (
            "BlockDeviceMappings",
            ListTy::Struct(&["DeviceName", "VirtualName"]),
        ),
        ("SecurityGroups", ListTy::Str),
    ],
};

fn create_launch_configuration(ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    let input = decode(params, &CREATE_LC)?;
    let full = input
        .str("LaunchConfigurationName")
        .unwrap_or("")
        .to_string();
    let (dt, site) = breakup_name(&full)?;
    if ctx
        .state
        .launch_configurations
        .get(&dt)
        .is_some_and(|lc| lc.clouds.contains_key(&site))
    {
        return Err(PhantomError::aws(
            "InvalidParameterValue",
            "Name already in use",
        ));
    }
    let user_data = match input.str("UserData").filter(|u| !u.is_empty()) {
        Some(u) => Some(lenient_b64decode(u).ok_or_else(|| {
            PhantomError::aws("InvalidParameterValue", "UserData should be base64-encoded")
        })?),
        None => None,
    };
    let mapping = CloudMapping {
        image_id: input.str("ImageId").unwrap_or("").to_string(),
        instance_type: input.str("InstanceType").unwrap_or("").to_string(),
        key_name: "phantomkey".to_string(),
        requested_key_name: input.str("KeyName").map(str::to_string),
        kernel_id: input.str("KernelId").map(str::to_string),
        ramdisk_id: input.str("RamdiskId").map(str::to_string),
        security_groups: input.list("SecurityGroups").cloned().unwrap_or_default(),
        block_device_mappings: input.structs("BlockDeviceMappings").to_vec(),
        created_time: make_time_us(ctx.server_now_us),
        arn: arn(&full, &ctx.request_id, "launchConfigurationName"),
    };
    let lc = ctx.state.launch_configurations.entry(dt).or_default();
    lc.clouds.insert(site, mapping);
    if let Some(bytes) = user_data {
        lc.user_data = Some(base64::engine::general_purpose::STANDARD.encode(bytes));
    }
    ctx.dirty = true;
    Ok(empty_answer("CreateLaunchConfiguration", ctx))
}

const DELETE_LC: Spec = Spec {
    needed: &[("LaunchConfigurationName", Ty::Str)],
    optional: &[],
    needed_lists: &[],
    optional_lists: &[],
};

fn delete_launch_configuration(ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    let input = decode(params, &DELETE_LC)?;
    let full = input
        .str("LaunchConfigurationName")
        .unwrap_or("")
        .to_string();
    let (dt, site) = breakup_name(&full)?;
    let not_found =
        || PhantomError::aws("InvalidParameterValue", &format!("Name {full} not found"));
    let lc = ctx
        .state
        .launch_configurations
        .get_mut(&dt)
        .ok_or_else(not_found)?;
    lc.clouds.remove(&site).ok_or_else(not_found)?;
    if lc.clouds.is_empty() {
        ctx.state.launch_configurations.remove(&dt);
    }
    ctx.dirty = true;
    Ok(empty_answer("DeleteLaunchConfiguration", ctx))
}

const DESCRIBE_LC: Spec = Spec {
    needed: &[],
    optional: &[("MaxRecords", Ty::Int), ("NextToken", Ty::Str)],
    needed_lists: &[],
    optional_lists: &[("LaunchConfigurationNames", ListTy::Str)],
};

/// pyhantom's paging loop: MaxRecords caps the count (no NextToken is
/// ever produced); a NextToken skips up to the item of that name.
struct Pager {
    max: Option<i64>,
    start: Option<String>,
    count: i64,
}

impl Pager {
    fn new(input: &Input) -> Pager {
        Pager {
            max: input.int("MaxRecords"),
            start: input.str("NextToken").map(str::to_string),
            count: 0,
        }
    }

    fn full(&self) -> bool {
        self.max.is_some_and(|m| m > -1 && self.count >= m)
    }

    /// Whether `name` is past the start token (consuming the token).
    fn started(&mut self, name: &str) -> bool {
        if self.start.as_deref() == Some(name) {
            self.start = None;
        }
        self.start.is_none()
    }
}

fn describe_launch_configurations(ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    let input = decode(params, &DESCRIBE_LC)?;
    let names = input.list("LaunchConfigurationNames");
    let mut pager = Pager::new(&input);
    let mut list = Elem::new("LaunchConfigurations");
    'outer: for (dt, lc) in &ctx.state.launch_configurations {
        if pager.full() {
            break;
        }
        for (site, m) in &lc.clouds {
            let out_name = format!("{dt}@{site}");
            if pager.full() {
                break 'outer;
            }
            if !pager.started(&out_name) || names.is_some_and(|n| !n.contains(&out_name)) {
                continue;
            }
            let mut e = Elem::new("member");
            e.leaf("LaunchConfigurationARN", Some(&m.arn));
            let mut mon = Elem::new("InstanceMonitoring");
            mon.leaf("Enabled", Some("False"));
            e.push(mon);
            e.leaf("CreatedTime", Some(&describe_time(&m.created_time)));
            e.leaf("BlockDeviceMappings", None);
            e.leaf("LaunchConfigurationName", Some(&out_name));
            e.leaf("KernelId", None);
            e.leaf("RamdiskId", None);
            e.leaf("UserData", lc.user_data.as_deref());
            e.leaf("ImageId", Some(&m.image_id));
            e.leaf("KeyName", Some("phantomkey"));
            e.leaf("SecurityGroups", None);
            e.leaf("InstanceType", Some(&m.instance_type));
            list.push(e);
            pager.count += 1;
        }
    }
    let mut root = doc("DescribeLaunchConfigurationsResponse", &ctx.request_id);
    let mut result = Elem::new("DescribeLaunchConfigurationsResult");
    result.push(list);
    root.push(result);
    Ok(root.to_xml())
}

// ---------------------------------------------------------------- tags and definitions

#[derive(Clone, Copy)]
enum Kt {
    Int,
    Float,
    Str,
    List,
    Clouds,
    Cloud,
}

/// Tag keys each definition accepts (PHANTOM.md; the last three from
/// pyhantom's `definitions.py`).
fn template(definition: &str) -> Option<&'static [(&'static str, Kt)]> {
    const OVERFLOW: &[(&str, Kt)] = &[
        ("clouds", Kt::Clouds),
        ("minimum_vms", Kt::Int),
        ("maximum_vms", Kt::Int),
        ("cooldown_period", Kt::Int),
        ("scale_up_n_vms", Kt::Int),
        ("scale_down_n_vms", Kt::Int),
        ("scale_up_threshold", Kt::Float),
        ("scale_down_threshold", Kt::Float),
        ("metric", Kt::Str),
        ("sample_function", Kt::Str),
        ("sensor_type", Kt::Str),
        ("phantom_de_name", Kt::Str),
        ("monitor_sensors", Kt::List),
        ("monitor_domain_sensors", Kt::List),
    ];
    const SENSOR: &[(&str, Kt)] = &[
        ("minimum_vms", Kt::Int),
        ("maximum_vms", Kt::Int),
        ("cooldown_period", Kt::Int),
        ("scale_up_n_vms", Kt::Int),
        ("scale_down_n_vms", Kt::Int),
        ("scale_up_threshold", Kt::Float),
        ("scale_down_threshold", Kt::Float),
        ("metric", Kt::Str),
        ("sample_function", Kt::Str),
        ("sensor_type", Kt::Str),
        ("phantom_de_name", Kt::Str),
        ("monitor_sensors", Kt::List),
        ("iaas_allocation", Kt::Str),
    ];
    match definition {
        "error_overflow_n_preserving" => Some(OVERFLOW),
        "sensor_engine" => Some(SENSOR),
        "test" => Some(&[("number", Kt::Int), ("string", Kt::Str)]),
        "single_site_n_preserving" => Some(&[]),
        "multi_site_n_preserving" => Some(&[("cloud", Kt::Cloud)]),
        _ => None,
    }
}

/// `validate_cloud`: `site:int`, split at the last colon.
fn validate_cloud(s: &str) -> Result<Value, PhantomError> {
    let err = || {
        PhantomError::aws(
            "InvalidParameterValue",
            &format!("The format is <cloud site name>:<integer size>.  You sent {s}"),
        )
    };
    let (site, n) = s.rsplit_once(':').ok_or_else(err)?;
    py_int(n).map_err(|_| err())?;
    Ok(json!({"site_name": site, "size": n}))
}

fn convert_tag(kt: Kt, key: &str, v: &str) -> Result<Value, PhantomError> {
    let bad = || {
        PhantomError::aws(
            "InvalidParameterValue",
            &format!("The tag {key} has a value {v} that could not be understood.  Please check the type"),
        )
    };
    Ok(match kt {
        Kt::Int => Value::from(py_int(v).map_err(|_| bad())?),
        Kt::Float => {
            let f = py_float(v).map_err(|_| bad())?;
            serde_json::Number::from_f64(f)
                .map(Value::Number)
                .unwrap_or_else(|| Value::from(v.trim().to_lowercase()))
        }
        Kt::Str => Value::from(v),
        Kt::List => Value::from(v.split(',').map(str::to_string).collect::<Vec<_>>()),
        Kt::Cloud => validate_cloud(v)?,
        Kt::Clouds => {
            let mut out = Vec::new();
            for (rank, c) in v.split(',').enumerate() {
                let mut doc = validate_cloud(c)?;
                doc["rank"] = Value::from(rank as i64 + 1);
                out.push(doc);
            }
            Value::Array(out)
        }
    })
}

/// `tags_to_definition`: (definition name, typed parameters).
fn tags_to_definition(tags: &[Tag]) -> Result<(String, Map<String, Value>), PhantomError> {
    let mut definition = "single_site_n_preserving".to_string();
    let mut parameters: Vec<(String, String)> = Vec::new();
    for t in tags {
        if t.key == "PHANTOM_DEFINITION" {
            definition = t.value.clone();
        } else if let Some(p) = parameters.iter_mut().find(|(k, _)| *k == t.key) {
            p.1 = t.value.clone();
        } else {
            parameters.push((t.key.clone(), t.value.clone()));
        }
    }
    let Some(tpl) = template(&definition) else {
        return Err(PhantomError::aws(
            "InvalidParameterValue",
            &format!("{definition} is an unknown definition type.  Please check your tags"),
        ));
    };
    let mut out = Map::new();
    for (k, v) in parameters {
        let Some((_, kt)) = tpl.iter().find(|(n, _)| *n == k) else {
            return Err(PhantomError::aws(
                "InvalidParameterValue",
                &format!("{definition} does not take a parameter of {k}.  Please check your tags"),
            ));
        };
        out.insert(k.clone(), convert_tag(*kt, &k, &v)?);
    }
    Ok((definition, out))
}

/// The tags of a request, all five fields required (pyhantom fails with an
/// AttributeError, i.e. a 500 with an empty detail, on a missing one).
fn tags_of(input: &Input) -> Result<Vec<Tag>, PhantomError> {
    let mut out = Vec::new();
    for t in input.structs("Tags") {
        for f in TAG_FIELDS {
            if !t.contains_key(*f) {
                return Err(PhantomError::internal(""));
            }
        }
        out.push(Tag {
            key: t["Key"].clone(),
            value: t["Value"].clone(),
            resource_id: t["ResourceId"].clone(),
            resource_type: t["ResourceType"].clone(),
            propagate_at_launch: t["PropagateAtLaunch"].clone(),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- domains

const CREATE_ASG: Spec = Spec {
    needed: &[
        ("MinSize", Ty::Int),
        ("MaxSize", Ty::Int),
        ("AutoScalingGroupName", Ty::Str),
        ("LaunchConfigurationName", Ty::Str),
    ],
    optional: &[
        ("PlacementGroup", Ty::Str),
        ("DesiredCapacity", Ty::Int),
        ("DefaultCooldown", Ty::Int),
        ("VPCZoneIdentifier", Ty::Str),
        ("HealthCheckGracePeriod", Ty::Int),
        ("HealthCheckType", Ty::Str),
    ],
    needed_lists: &[("AvailabilityZones", ListTy::Str)],
    optional_lists: &[
        ("LoadBalancerNames", ListTy::Str),
        ("Tags", ListTy::Struct(TAG_FIELDS)),
    ],
};

fn opt_value(s: Option<&str>) -> Value {
    s.map(Value::from).unwrap_or(Value::Null)
}

fn create_auto_scaling_group(ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    let input = decode(params, &CREATE_ASG)?;
    // AutoScalingGroupType.set_from_intype reads AvailabilityZones (unset
    // when every member was empty: AttributeError) and every tag field.
    let zones = input
        .list("AvailabilityZones")
        .cloned()
        .ok_or_else(|| PhantomError::internal(""))?;
    let tags = tags_of(&input)?;
    let (definition, mut conf) = tags_to_definition(&tags)?;
    let name = input.str("AutoScalingGroupName").unwrap_or("").to_string();
    let lc_name = input
        .str("LaunchConfigurationName")
        .unwrap_or("")
        .to_string();
    let (dt, site) = match lc_name.find('@') {
        Some(i) if i > 0 => (lc_name[..i].to_string(), lc_name[i + 1..].to_string()),
        _ => (lc_name.clone(), String::new()),
    };
    if !ctx.state.launch_configurations.contains_key(&dt) {
        return Err(PhantomError::aws(
            "InvalidParameterValue",
            &format!("Launch configuration {dt} not found"),
        ));
    }
    if ctx.state.domains.contains_key(&name) {
        return Err(PhantomError::aws(
            "InvalidParameterValue",
            "auto scale name already exists",
        ));
    }
    let min = input.int("MinSize").unwrap_or(0);
    let max = input.int("MaxSize").unwrap_or(0);
    if definition == "sensor_engine" {
        conf.insert("deployable_type".into(), Value::from(dt.clone()));
        conf.insert("dtname".into(), Value::from(dt.clone()));
        conf.insert("iaas_site".into(), Value::from(site));
        conf.insert("iaas_allocation".into(), Value::from("m1.small"));
    } else {
        conf.insert("dtname".into(), Value::from(dt.clone()));
    }
    conf.insert("minimum_vms".into(), Value::from(min));
    conf.insert("maximum_vms".into(), Value::from(max));
    conf.insert("opentsdb_host".into(), Value::from("localhost"));
    conf.insert("opentsdb_port".into(), Value::from(4242));
    let created = make_time_us(ctx.server_now_us);
    let arn = arn(&name, &ctx.request_id, "autoScalingGroupName");
    conf.insert("CreatedTime".into(), Value::from(created.clone()));
    conf.insert("AutoScalingGroupARN".into(), Value::from(arn.clone()));
    conf.insert(
        "VPCZoneIdentifier".into(),
        opt_value(input.str("VPCZoneIdentifier")),
    );
    conf.insert(
        "HealthCheckType".into(),
        opt_value(input.str("HealthCheckType")),
    );
    conf.insert(
        "PlacementGroup".into(),
        opt_value(input.str("PlacementGroup")),
    );
    let mut domain = Domain {
        name: name.clone(),
        definition,
        launch_configuration_name: lc_name,
        dt_name: dt,
        min_size: min,
        max_size: max,
        desired_capacity_param: input.int("DesiredCapacity"),
        availability_zones: zones,
        tags,
        engine_conf: conf,
        created_time: created,
        arn,
        engine: Engine::default(),
        instances: Vec::new(),
    };
    domain.apply_engine_conf();
    ctx.state.domains.insert(name, domain);
    ctx.state.decide_all(ctx.now_ms, ctx.cfg);
    ctx.dirty = true;
    Ok(empty_answer("CreateAutoScalingGroup", ctx))
}

const DESCRIBE_ASG: Spec = Spec {
    needed: &[],
    optional: &[("MaxRecords", Ty::Int), ("NextToken", Ty::Str)],
    needed_lists: &[],
    optional_lists: &[("AutoScalingGroupNames", ListTy::Str)],
};

/// Python `str()` of a conf value; None for a missing/None value.
fn conf_str(conf: &Map<String, Value>, k: &str) -> Option<String> {
    match conf.get(k) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(v) => Some(v.to_string()),
    }
}

fn instance_elem(ctx: &Ctx, domain: &str, i: &crate::model::Instance) -> Option<Elem> {
    let state = i.state_at(ctx.now_ms)?;
    let mut e = Elem::new("member");
    e.leaf("AvailabilityZone", Some(&i.cloud));
    e.leaf("InstanceId", Some(i.iaas_id_at(ctx.now_ms).unwrap_or("")));
    e.leaf("AutoScalingGroupName", Some(domain));
    e.leaf("HealthStatus", Some(health_of(state)));
    e.leaf("LifecycleState", Some(state));
    e.leaf("LaunchConfigurationName", Some(&i.dt_name));
    Some(e)
}

fn describe_auto_scaling_groups(ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    let input = decode(params, &DESCRIBE_ASG)?;
    let names = input.list("AutoScalingGroupNames");
    let mut pager = Pager::new(&input);
    let mut list = Elem::new("AutoScalingGroups");
    for (name, d) in ctx.state.domains.iter() {
        if pager.full() {
            break;
        }
        if !pager.started(name) || names.is_some_and(|n| !n.contains(name)) {
            continue;
        }
        let c = &d.engine_conf;
        let mut e = Elem::new("member");
        e.leaf("Status", None);
        e.leaf(
            "AutoScalingGroupARN",
            conf_str(c, "AutoScalingGroupARN").as_deref(),
        );
        e.leaf(
            "VPCZoneIdentifier",
            conf_str(c, "VPCZoneIdentifier").as_deref(),
        );
        e.leaf("HealthCheckGracePeriod", Some("0"));
        e.leaf("PlacementGroup", conf_str(c, "PlacementGroup").as_deref());
        e.leaf("DesiredCapacity", conf_str(c, "minimum_vms").as_deref());
        e.leaf("Tags", None);
        e.leaf("EnabledMetrics", None);
        e.leaf("LoadBalancerNames", None);
        e.leaf("AutoScalingGroupName", Some(name));
        e.leaf("MinSize", conf_str(c, "minimum_vms").as_deref());
        let mut insts = Elem::new("Instances");
        for i in &d.instances {
            if let Some(ie) = instance_elem(ctx, name, i) {
                insts.push(ie);
            }
        }
        e.push(insts);
        e.leaf("MaxSize", conf_str(c, "maximum_vms").as_deref());
        e.leaf("Cooldown", Some("0"));
        let dt = conf_str(c, "dtname")
            .or_else(|| conf_str(c, "deployable_type"))
            .unwrap_or_else(|| "None".into());
        e.leaf("LaunchConfigurationName", Some(&dt));
        let created = conf_str(c, "CreatedTime").map(|t| describe_time(&t));
        e.leaf("CreatedTime", created.as_deref());
        e.leaf("SuspendedProcesses", None);
        e.leaf("AvailabilityZones", None);
        e.leaf("HealthCheckType", conf_str(c, "HealthCheckType").as_deref());
        list.push(e);
        pager.count += 1;
    }
    let mut root = doc("DescribeAutoScalingGroupsResponse", &ctx.request_id);
    let mut result = Elem::new("DescribeAutoScalingGroupsResult");
    result.push(list);
    root.push(result);
    Ok(root.to_xml())
}

const DELETE_ASG: Spec = Spec {
    needed: &[("AutoScalingGroupName", Ty::Str)],
    optional: &[("ForceDelete", Ty::Bool)],
    needed_lists: &[],
    optional_lists: &[],
};

fn delete_auto_scaling_group(ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    let input = decode(params, &DELETE_ASG)?;
    let name = input.str("AutoScalingGroupName").unwrap_or("");
    // EPUM's remove_domain ignores unknown names; VMs are terminated.
    if let Some(d) = ctx.state.domains.remove(name) {
        for mut i in d.instances {
            i.terminate(ctx.now_ms, ctx.cfg);
            ctx.state.detached_instances.push(i);
        }
        ctx.dirty = true;
    }
    Ok(empty_answer("DeleteAutoScalingGroup", ctx))
}

/// EPUM `reconfigure_domain`: merge into engine_conf, hand it to the
/// engine, decide. Unknown domain: the DashiError pyhantom re-raises.
fn reconfigure(ctx: &mut Ctx, name: &str, update: Map<String, Value>) -> Result<(), PhantomError> {
    let d = ctx.state.domains.get_mut(name).ok_or_else(|| {
        PhantomError::internal(&format!("ValueError: Domain does not exist: {name}"))
    })?;
    for (k, v) in update {
        d.engine_conf.insert(k, v);
    }
    d.apply_engine_conf();
    ctx.state.decide_all(ctx.now_ms, ctx.cfg);
    ctx.dirty = true;
    Ok(())
}

const SET_DESIRED: Spec = Spec {
    needed: &[
        ("AutoScalingGroupName", Ty::Str),
        ("DesiredCapacity", Ty::Int),
    ],
    optional: &[("HonorCooldown", Ty::Bool)],
    needed_lists: &[],
    optional_lists: &[],
};

fn set_desired_capacity(ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    let input = decode(params, &SET_DESIRED)?;
    let name = input.str("AutoScalingGroupName").unwrap_or("").to_string();
    let n = input.int("DesiredCapacity").unwrap_or(0);
    let mut update = Map::new();
    update.insert("desired_capacity".into(), Value::from(n));
    update.insert("minimum_vms".into(), Value::from(n));
    update.insert("maximum_vms".into(), Value::from(n));
    reconfigure(ctx, &name, update)?;
    Ok(empty_answer("SetDesiredCapacity", ctx))
}

const UPDATE_TAGS: Spec = Spec {
    needed: &[],
    optional: &[],
    needed_lists: &[("Tags", ListTy::Struct(TAG_FIELDS))],
    optional_lists: &[],
};

fn create_or_update_tags(ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    let input = decode(params, &UPDATE_TAGS)?;
    let tags = tags_of(&input)?;
    let mut groups: Vec<(String, Vec<Tag>)> = Vec::new();
    for t in tags {
        match groups.iter_mut().find(|(g, _)| *g == t.resource_id) {
            Some((_, v)) => v.push(t),
            None => groups.push((t.resource_id.clone(), vec![t])),
        }
    }
    for (group, tags) in groups {
        let (_definition, conf) = tags_to_definition(&tags)?;
        if conf.is_empty() {
            continue;
        }
        reconfigure(ctx, &group, conf)?;
        if let Some(d) = ctx.state.domains.get_mut(&group) {
            for t in tags {
                match d.tags.iter_mut().find(|x| x.key == t.key) {
                    Some(x) => *x = t,
                    None => d.tags.push(t),
                }
            }
        }
    }
    Ok(empty_answer("CreateOrUpdateTags", ctx))
}

// ---------------------------------------------------------------- instances

const DESCRIBE_INSTANCES: Spec = Spec {
    needed: &[],
    optional: &[("MaxRecords", Ty::Int), ("NextToken", Ty::Str)],
    needed_lists: &[],
    optional_lists: &[("InstanceIds", ListTy::Str)],
};

fn describe_auto_scaling_instances(ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    let input = decode(params, &DESCRIBE_INSTANCES)?;
    let ids = input.list("InstanceIds");
    let mut found: Vec<(String, Elem)> = Vec::new();
    for (name, d) in &ctx.state.domains {
        for i in &d.instances {
            let Some(id) = i.iaas_id_at(ctx.now_ms) else {
                continue;
            };
            if ids.is_some_and(|l| !l.iter().any(|x| x == id)) {
                continue;
            }
            if let Some(e) = instance_elem(ctx, name, i) {
                found.push((id.to_string(), e));
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let mut root = doc("DescribeAutoScalingInstances", &ctx.request_id);
    let mut list = Elem::new("AutoScalingInstances");
    for (_, e) in found {
        list.push(e);
    }
    root.push(list);
    Ok(root.to_xml())
}

const TERMINATE: Spec = Spec {
    needed: &[
        ("InstanceId", Ty::Str),
        ("ShouldDecrementDesiredCapacity", Ty::Bool),
    ],
    optional: &[],
    needed_lists: &[],
    optional_lists: &[],
};

fn terminate_instance(ctx: &mut Ctx, params: &Params) -> Result<String, PhantomError> {
    let input = decode(params, &TERMINATE)?;
    let id = input.str("InstanceId").unwrap_or("").to_string();
    let decrement = input.bool("ShouldDecrementDesiredCapacity");
    let now = ctx.now_ms;
    let owner = ctx
        .state
        .domains
        .iter()
        .find(|(_, d)| {
            d.instances
                .iter()
                .any(|i| i.iaas_id_at(now) == Some(id.as_str()))
        })
        .map(|(n, _)| n.clone())
        .ok_or_else(|| {
            PhantomError::aws(
                "InvalidParameterValue",
                "There is no domain associated with that instnace id",
            )
        })?;
    let mut update = Map::new();
    {
        let d = ctx.state.domains.get_mut(&owner).expect("found above");
        if let Some(i) = d
            .instances
            .iter_mut()
            .find(|i| i.iaas_id_at(now) == Some(id.as_str()))
        {
            i.terminate(now, ctx.cfg);
        }
        if decrement {
            let size = d
                .engine_conf
                .get("minimum_vms")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let size = if size < 1 { 0 } else { size - 1 };
            update.insert("minimum_vms".into(), Value::from(size));
            update.insert("maximum_vms".into(), Value::from(size));
        }
    }
    reconfigure(ctx, &owner, update)?;
    Ok(empty_answer("TerminateInstanceInAutoScalingGroup", ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn py2_b64decode() {
        assert_eq!(lenient_b64decode("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(lenient_b64decode("aGV sbG8="), Some(b"hello".to_vec()));
        assert_eq!(lenient_b64decode("aGVsbG8=x"), Some(b"hello".to_vec()));
        assert_eq!(lenient_b64decode("!!!!"), Some(vec![]));
        assert_eq!(lenient_b64decode("aGVsbG8"), None);
        assert_eq!(lenient_b64decode("a"), None);
        assert_eq!(lenient_b64decode("aGVsbG9="), Some(b"hello".to_vec()));
    }

    #[test]
    fn definitions() {
        let tag = |k: &str, v: &str| Tag {
            key: k.into(),
            value: v.into(),
            ..Tag::default()
        };
        let (d, c) = tags_to_definition(&[
            tag("PHANTOM_DEFINITION", "error_overflow_n_preserving"),
            tag("clouds", "hotel:4,sierra:-1"),
            tag("minimum_vms", "0"),
        ])
        .unwrap();
        assert_eq!(d, "error_overflow_n_preserving");
        assert_eq!(
            c["clouds"][1],
            json!({"site_name": "sierra", "size": "-1", "rank": 2})
        );
        let e = tags_to_definition(&[tag("minimum_vms", "1")]).unwrap_err();
        assert_eq!(
            e.detail,
            "single_site_n_preserving does not take a parameter of minimum_vms.  Please check your tags"
        );
        let e = tags_to_definition(&[
            tag("PHANTOM_DEFINITION", "sensor_engine"),
            tag("scale_up_threshold", "x"),
        ])
        .unwrap_err();
        assert_eq!(
            e.detail,
            "The tag scale_up_threshold has a value x that could not be understood.  Please check the type"
        );
        let e = tags_to_definition(&[
            tag("PHANTOM_DEFINITION", "error_overflow_n_preserving"),
            tag("clouds", "hotel"),
        ])
        .unwrap_err();
        assert_eq!(
            e.detail,
            "The format is <cloud site name>:<integer size>.  You sent hotel"
        );
    }
}
