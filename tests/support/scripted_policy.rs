//! A person's policy played by a Rust closure: what a test host's `start_custom` hands
//! the engine in place of the browser's sandbox, recording every observation it saw.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use phantom_de::engine::policy::{Decide, Decision, Observation, PolicyFault};

/// The closure that decides.
pub type Script = Rc<dyn Fn(&Observation) -> Result<Decision, PolicyFault>>;

/// A custom policy that runs `script` and keeps what it was shown in `seen`.
pub struct Scripted {
    pub script: Script,
    pub seen: Rc<RefCell<Vec<Observation>>>,
}

impl Decide for Scripted {
    fn decide<'a>(
        &'a mut self,
        o: &'a Observation,
    ) -> LocalBoxFuture<'a, Result<Decision, PolicyFault>> {
        self.seen.borrow_mut().push(o.clone());
        let d = (self.script)(o);
        Box::pin(async move { d })
    }
}
