//! Teachers and classes: who may make a class, class names and codes, joining and leaving.

use studypack_domain::PackScope;
use studypack_store::{ClassMember, ClassPack, SchoolClass, StoreError, User};

use crate::secret::{self, CLASS_CODE_CHARS};
use crate::{AccountError, AccountResult, Accounts, now};

/// The longest class name, in characters.
pub const MAX_CLASS_NAME: usize = 80;

/// A class code as people read it: `XXXX-XXXX`.
pub fn show_class_code(code: &str) -> String {
    if code.len() == CLASS_CODE_CHARS && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

fn class_name(name: &str) -> AccountResult<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(AccountError::Invalid(
            "Give the class a name, such as “12B History”.".into(),
        ));
    }
    if name.chars().count() > MAX_CLASS_NAME {
        return Err(AccountError::Invalid(format!(
            "A class name has at most {MAX_CLASS_NAME} characters."
        )));
    }
    Ok(name)
}

impl Accounts {
    /// Makes the account with this email a teacher, or not; audited.
    pub async fn set_teacher(
        &self,
        email: &str,
        teacher: bool,
        actor: Option<i64>,
    ) -> AccountResult<User> {
        let user = self.user(email).await?;
        self.store
            .set_teacher(user.id, teacher, actor, now())
            .await?;
        Ok(User { teacher, ..user })
    }

    /// A new class taught by `teacher` (who must be a teacher), with a fresh code.
    pub async fn create_class(&self, teacher: &User, name: &str) -> AccountResult<SchoolClass> {
        if !teacher.teacher {
            return Err(AccountError::Invalid("Only teachers make classes.".into()));
        }
        let name = class_name(name)?;
        // A taken code (one chance in 2^40 per class) is drawn again.
        for _ in 0..5 {
            match self
                .store
                .create_class(&name, &secret::class_code(), teacher.id, now())
                .await
            {
                Err(StoreError::Conflict(_)) => continue,
                other => return Ok(other?),
            }
        }
        Err(AccountError::Internal("no free class code".into()))
    }

    /// Joins the class with this code; rate-limited per account like licence codes.
    pub async fn join_class(&self, user: &User, code: &str) -> AccountResult<SchoolClass> {
        let event = self
            .spend_rate(&format!("join:{}", user.id), self.limits.redeem_per_user)
            .await?;
        let norm = secret::normalise_code(code);
        let joined = if norm.len() == CLASS_CODE_CHARS {
            self.store.join_class(&norm, user.id, now()).await?
        } else {
            None
        };
        match joined {
            Some(class) => {
                self.forget(event).await?;
                Ok(class)
            }
            None => Err(AccountError::Invalid(
                "No class has that code. Check it with your teacher (it looks like XXXX-XXXX)."
                    .into(),
            )),
        }
    }

    /// Adds the student with this email to a class the teacher teaches.
    pub async fn add_to_class(
        &self,
        teacher: &User,
        class: &SchoolClass,
        email: &str,
    ) -> AccountResult<User> {
        let student = self.user(email).await?;
        self.store
            .add_member(class.id, student.id, teacher.id, now())
            .await?;
        Ok(student)
    }

    /// Grants a pack to the class with this code (a school licence): every member reads what
    /// it opens while they are in the class. `days` from now; `None` for no end date.
    pub async fn grant_class_pack(
        &self,
        code: &str,
        scope: &PackScope,
        days: Option<i64>,
        actor: Option<i64>,
    ) -> AccountResult<(SchoolClass, ClassPack)> {
        let class = self
            .store
            .class_by_code(&secret::normalise_code(code))
            .await?
            .ok_or_else(|| AccountError::Invalid("No class has that code.".into()))?;
        let at = now();
        let pack = self
            .store
            .grant_class_pack(
                class.id,
                &scope.to_string(),
                days.map(|d| at + d * 86_400),
                actor,
                at,
            )
            .await?;
        Ok((class, pack))
    }

    /// The school licences of the classes a student is in.
    pub async fn member_class_packs(&self, user: &User) -> AccountResult<Vec<ClassPack>> {
        Ok(self.store.member_class_packs(user.id).await?)
    }

    /// Adds a co-teacher (an account that is a teacher) to a class the teacher teaches.
    pub async fn add_class_teacher(
        &self,
        teacher: &User,
        class: &SchoolClass,
        email: &str,
    ) -> AccountResult<User> {
        let other = self.user(email).await?;
        if !other.teacher {
            return Err(AccountError::Invalid(format!(
                "{} is not a teacher's account: an admin makes it one first",
                other.email
            )));
        }
        self.store
            .add_teacher(class.id, other.id, teacher.id, now())
            .await?;
        Ok(other)
    }

    /// The students of a class.
    pub async fn class_members(&self, class: &SchoolClass) -> AccountResult<Vec<ClassMember>> {
        Ok(self.store.class_members(class.id).await?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn class_names_are_tidied_and_bounded() {
        assert_eq!(
            super::class_name("  12B \n History ").unwrap(),
            "12B History"
        );
        assert!(super::class_name(" \t").is_err());
        assert!(super::class_name(&"x".repeat(81)).is_err());
        assert!(super::class_name(&"é".repeat(80)).is_ok());
    }

    #[test]
    fn class_codes_read_back() {
        let code = crate::secret::class_code();
        assert_eq!(code.len(), 8);
        let shown = super::show_class_code(&code);
        assert_eq!(crate::secret::normalise_code(&shown), code);
        assert_eq!(crate::secret::normalise_code(&shown.to_lowercase()), code);
    }
}
