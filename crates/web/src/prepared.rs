//! Questions prepared for the engine, kept between requests: preparing a question (its
//! scheme's stems, shingles of its model essay) costs several times a report, and a
//! question is marked against many essays.
//!
//! A prepared question belongs to the engine that prepared it (its stem ids are that
//! engine's vocabulary), so the cache holds the engine it is for and starts again when the
//! library changes and a new engine replaces it. Entries are keyed by the question's slug,
//! whether the model essay is compared, and a hash of the question's own content, so a
//! question edited without a new engine (a teacher's own) is prepared again.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use studypack_domain::{Question, Topic};
use studypack_feedback::{Engine, Prepared, QuestionInput};

/// At most this many prepared questions are kept (about 0.2–1 MB each for a long scheme
/// and model essay); when full, the cache starts again.
const MAX_PREPARED: usize = 512;

/// The engine the entries were prepared by, and the entries.
type Entries = (Arc<Engine>, HashMap<Key, Arc<Prepared>>);

#[derive(Default)]
pub(crate) struct PreparedCache {
    inner: Mutex<Option<Entries>>,
}

#[derive(Hash, PartialEq, Eq, Clone)]
struct Key {
    slug: String,
    compare: bool,
    content: u64,
}

fn key(q: &Question, topic: &Topic, compare: bool) -> Key {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    q.text.hash(&mut h);
    q.view.hash(&mut h);
    q.marks.hash(&mut h);
    topic.slug.to_string().hash(&mut h);
    for b in &q.mark_scheme.bullets {
        format!("{b:?}").hash(&mut h);
    }
    if compare {
        q.model_essay.hash(&mut h);
    }
    Key {
        slug: q.slug.to_string(),
        compare,
        content: h.finish(),
    }
}

impl PreparedCache {
    /// The question prepared by `engine`, from the cache or prepared now (outside the lock).
    pub(crate) fn get(
        &self,
        engine: &Arc<Engine>,
        q: &Question,
        topic: &Topic,
        input: &QuestionInput<'_>,
    ) -> Arc<Prepared> {
        let k = key(q, topic, input.model_essay.is_some());
        if let Ok(g) = self.inner.lock()
            && let Some((e, map)) = g.as_ref()
            && Arc::ptr_eq(e, engine)
            && let Some(p) = map.get(&k)
        {
            return p.clone();
        }
        let p = Arc::new(engine.prepare(input));
        if let Ok(mut g) = self.inner.lock() {
            let fresh = !matches!(g.as_ref(), Some((e, map)) if Arc::ptr_eq(e, engine) && map.len() < MAX_PREPARED);
            if fresh {
                *g = Some((engine.clone(), HashMap::new()));
            }
            if let Some((_, map)) = g.as_mut() {
                map.insert(k, p.clone());
            }
        }
        p
    }

    /// Empties the cache, answering what it held: once a new engine replaces the one the
    /// entries were prepared by, they are of no more use (and they hold that engine).
    pub(crate) fn take(&self) -> Option<impl Send + 'static> {
        self.inner.lock().ok().and_then(|mut g| g.take())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner
            .lock()
            .ok()
            .and_then(|g| g.as_ref().map(|(_, m)| m.len()))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use studypack_feedback::question_input;

    /// A cached question gives the same report as one prepared afresh; a new engine, an
    /// edited question or the model essay left out is prepared again, never served stale.
    #[test]
    fn cached_questions_give_the_same_reports_and_follow_changes() {
        let lib = studypack_demo::library();
        let engine = Arc::new(studypack_feedback::engine_for_library(&lib));
        let cache = PreparedCache::default();
        let q = lib
            .questions
            .iter()
            .find(|q| !q.model_essay.is_empty())
            .unwrap();
        let topic = lib.topic(&q.topic).unwrap();
        let essay = &q.model_essay;
        let input = question_input(q, topic);
        let fresh = engine.assess(&input, essay);
        let first = cache.get(&engine, q, topic, &input);
        let again = cache.get(&engine, q, topic, &input);
        assert!(
            Arc::ptr_eq(&first, &again),
            "the second request is served from the cache"
        );
        assert_eq!(
            format!("{:?}", engine.report(&again, essay)),
            format!("{fresh:?}")
        );
        // Without the model essay: a different entry, and no copying check in its report.
        let mut blind = input;
        blind.model_essay = None;
        let b = cache.get(&engine, q, topic, &blind);
        assert!(!Arc::ptr_eq(&b, &first));
        assert_eq!(cache.len(), 2);
        // An edited question is prepared again.
        let mut edited = q.clone();
        edited.text.push_str(" Explain your answer.");
        let e = cache.get(&engine, &edited, topic, &question_input(&edited, topic));
        assert!(!Arc::ptr_eq(&e, &first));
        // A new engine (the library changed) starts the cache again.
        let newer = Arc::new(studypack_feedback::engine_for_library(&lib));
        let n = cache.get(&newer, q, topic, &input);
        assert!(!Arc::ptr_eq(&n, &first));
        assert_eq!(cache.len(), 1);
        // Taken out (when a new engine replaces this one), the entries take their engine.
        let held = Arc::strong_count(&newer);
        let taken = cache.take();
        assert!(taken.is_some());
        assert_eq!(cache.len(), 0);
        drop(taken);
        assert_eq!(Arc::strong_count(&newer), held - 1);
        assert!(cache.take().is_none());
    }
}
