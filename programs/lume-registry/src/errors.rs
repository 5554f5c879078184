//! Every way an instruction can fail, as a custom error code with a message
//! (codes from 6000, as Anchor numbers them; the IDL carries the messages so
//! clients decode them before and after a vote).

crate::error_codes! {
    /// Errors returned by the Lume Registry program.
    pub enum RegistryError {
        UnknownInstruction = 6000 => "The instruction discriminator does not name an instruction of this program",
        InstructionDataTooShort = 6001 => "The instruction data ends before all arguments were read",
        InstructionDataTooLong = 6002 => "The instruction data has bytes left over after its arguments",
        StringTooLong = 6003 => "A text argument is longer than its limit",
        ListTooLong = 6004 => "A list argument has more items than its limit",
        InvalidUtf8 = 6005 => "A text argument is not valid UTF-8",
        InvalidBool = 6006 => "A boolean argument is neither 0 nor 1",
        MissingAccounts = 6007 => "The instruction was given fewer accounts than it needs",
        AccountNotWritable = 6008 => "An account that the instruction changes was not passed as writable",
        MissingSignature = 6009 => "An account that must sign the transaction did not sign it",
        UnexpectedAccountAddress = 6010 => "An account is not the one the instruction expects",
        InvalidAccountOwner = 6011 => "An account is not owned by the program that should own it",
        InvalidAccountData = 6012 => "An account's data is not the type the instruction expects",
        InvalidProgramData = 6013 => "The ProgramData account does not belong to this program",
        NotUpgradeAuthority = 6014 => "Only the program's upgrade authority may initialize the registry",
        AlreadyInitialized = 6015 => "The account already exists: it cannot be initialized twice",
        InvalidPda = 6016 => "An account is not at the program-derived address its seeds give",
        CouncilEmpty = 6017 => "The council must have at least one member",
        CouncilTooLarge = 6018 => "The council may have at most 16 members",
        DuplicateCouncilMember = 6019 => "A council member appears twice",
        InvalidCouncilMember = 6020 => "The default (all-zero) address cannot be a council member",
        InvalidThreshold = 6021 => "The threshold must be between 1 and the number of council members",
        InvalidPolicy = 6022 => "A policy value is out of its allowed range",
        TooManyCategories = 6023 => "The category catalogue holds at most 64 categories",
        InvalidCategoryName = 6024 => "A category name must be 1 to 31 bytes",
        DuplicateCategory = 6025 => "A category name appears twice in the catalogue",
        ArithmeticOverflow = 6026 => "A counter or time computation would overflow",
        DuplicateAccount = 6027 => "The same account was passed where distinct accounts are required",
        CategoriesNotAscending = 6028 => "Initial categories must be listed in strictly ascending byte order (this also rules out duplicates)",
        EventTooLarge = 6029 => "An event does not fit the event buffer (a program bug: please report it)",
        InvalidEnumValue = 6030 => "An enumerated argument has an unknown value",
    }
}
